package dev.offload.embedded.registry.internal;

import dev.offload.embedded.registry.internal.StoreRecord.ConfigRecord;
import dev.offload.embedded.registry.internal.StoreRecord.DeleteSubjectRecord;
import dev.offload.embedded.registry.internal.StoreRecord.SchemaRecord;
import dev.offload.embedded.registry.internal.StoreRecord.SchemaTombstone;
import dev.offload.schemas.registry.CompatibilityLevel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the storage topic says so far: the registry's state, rebuilt by applying the topic's records
 * in order. Every instance that reads the same topic arrives at the same state, because applying is
 * deterministic: the first schema seen with an id keeps it. Thread-safe (one reader thread applies,
 * request threads read).
 */
final class RegistryState {
  private static final Logger log = LoggerFactory.getLogger(RegistryState.class);

  /** A version of a subject that uses some schema id. */
  record Usage(String subject, int version) {}

  private final Map<Integer, Schema> schemasById = new HashMap<>();
  private final Map<Schema, Integer> idsBySchema = new HashMap<>();
  private final Map<String, TreeMap<Integer, SchemaRecord>> subjects = new HashMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel;
  private int maxId;

  /** Applies one record of the topic; a record that cannot be understood is logged and skipped. */
  synchronized void apply(StoreRecord record) {
    if (record instanceof SchemaRecord r) {
      applySchema(r);
    } else if (record instanceof SchemaTombstone t) {
      versionsOf(t.subject()).remove(t.version());
    } else if (record instanceof ConfigRecord c) {
      applyConfig(c);
    } else if (record instanceof DeleteSubjectRecord d) {
      versionsOf(d.subject()).headMap(d.version(), true).replaceAll((v, r) -> r.asDeleted());
    }
  }

  private void applySchema(SchemaRecord r) {
    Schema schema;
    try {
      schema = new Schema.Parser().parse(r.schema());
    } catch (AvroRuntimeException e) {
      log.warn("Skipping version {} of {}: its schema does not parse", r.version(), r.subject());
      return;
    }
    Schema known = schemasById.putIfAbsent(r.id(), schema);
    if (known == null) {
      idsBySchema.putIfAbsent(schema, r.id());
    } else if (!known.equals(schema)) {
      // Never written by this registry (ids are allocated under a fenced writer); first one wins.
      log.warn(
          "Schema id {} already has another schema; {} v{} reads that one",
          r.id(),
          r.subject(),
          r.version());
    }
    maxId = Math.max(maxId, r.id());
    versionsOf(r.subject()).put(r.version(), r);
  }

  private void applyConfig(ConfigRecord c) {
    if (c.subject() == null) {
      globalLevel = c.level();
    } else if (c.level() == null) {
      subjectLevels.remove(c.subject());
    } else {
      subjectLevels.put(c.subject(), c.level());
    }
  }

  /**
   * Whether the state holds what {@code record} wrote, so a writer can tell that its committed
   * record was read back rather than aborted. A version counts as held once it exists with the
   * record's id (a later deletion by another instance does not undo the registration).
   */
  synchronized boolean reflects(StoreRecord record) {
    if (record instanceof SchemaRecord r) {
      SchemaRecord held = subjects.getOrDefault(r.subject(), new TreeMap<>()).get(r.version());
      return held != null && held.id() == r.id() && (held.deleted() || !r.deleted());
    } else if (record instanceof ConfigRecord c) {
      return Objects.equals(
          c.subject() == null ? globalLevel : subjectLevels.get(c.subject()), c.level());
    } else if (record instanceof DeleteSubjectRecord d) {
      return liveVersions(d.subject()).headMap(d.version(), true).isEmpty();
    }
    return true;
  }

  /** The schema with this id, deleted versions included. */
  synchronized Optional<Schema> schema(int id) {
    return Optional.ofNullable(schemasById.get(id));
  }

  /** The id that {@code schema} has (in any subject), if it was ever registered. */
  synchronized Optional<Integer> idOf(Schema schema) {
    return Optional.ofNullable(idsBySchema.get(schema));
  }

  /** The id for a schema never registered before: one above every id ever seen. */
  synchronized int nextId() {
    return maxId + 1;
  }

  /** The subjects with a live version, or with any version when {@code deleted}; sorted. */
  synchronized List<String> subjects(boolean deleted) {
    return subjects.entrySet().stream()
        .filter(e -> e.getValue().values().stream().anyMatch(v -> deleted || !v.deleted()))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  /** The live versions of {@code subject}, ascending by version (empty when it has none). */
  synchronized NavigableMap<Integer, SchemaRecord> liveVersions(String subject) {
    TreeMap<Integer, SchemaRecord> live = new TreeMap<>();
    subjects.getOrDefault(subject, new TreeMap<>()).values().stream()
        .filter(e -> !e.deleted())
        .forEach(e -> live.put(e.version(), e));
    return live;
  }

  /** The number the next version of {@code subject} gets: deleted numbers are never given again. */
  synchronized int nextVersion(String subject) {
    TreeMap<Integer, SchemaRecord> versions = subjects.get(subject);
    return versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
  }

  /** The live versions that use schema {@code id}, by subject and version. */
  synchronized List<Usage> usages(int id) {
    List<Usage> usages = new ArrayList<>();
    subjects.keySet().stream()
        .sorted()
        .forEach(
            subject ->
                liveVersions(subject).values().stream()
                    .filter(e -> e.id() == id)
                    .forEach(e -> usages.add(new Usage(subject, e.version()))));
    return usages;
  }

  /** The registry-wide level. */
  synchronized CompatibilityLevel globalLevel() {
    return globalLevel == null ? CompatibilityLevel.DEFAULT : globalLevel;
  }

  /** The level {@code subject} has of its own, if any. */
  synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
    return Optional.ofNullable(subjectLevels.get(subject));
  }

  private TreeMap<Integer, SchemaRecord> versionsOf(String subject) {
    return subjects.computeIfAbsent(subject, s -> new TreeMap<>());
  }
}
