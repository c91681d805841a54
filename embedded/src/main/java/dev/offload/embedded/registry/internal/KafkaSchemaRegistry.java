package dev.offload.embedded.registry.internal;

import dev.offload.embedded.registry.RegistryServerConfig;
import dev.offload.embedded.registry.internal.StoreRecord.ConfigRecord;
import dev.offload.embedded.registry.internal.StoreRecord.DeleteSubjectRecord;
import dev.offload.embedded.registry.internal.StoreRecord.SchemaRecord;
import dev.offload.embedded.registry.internal.StoreWriter.Plan;
import dev.offload.schemas.registry.CompatibilityChecker;
import dev.offload.schemas.registry.CompatibilityLevel;
import dev.offload.schemas.registry.CompatibilityResult;
import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.schemas.registry.SchemaVersion;
import java.util.Collection;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The registry's rules over its Kafka-backed state: the same answers as {@link
 * dev.offload.schemas.registry.InMemorySchemaRegistry} (same schema, same id in every subject;
 * versions never reused; deleted ids stay readable) and the same compatibility rules ({@link
 * CompatibilityChecker}). Reads answer from the local state; writes are decided and committed by
 * the {@link StoreWriter}. Thread-safe.
 */
public final class KafkaSchemaRegistry implements SchemaRegistry, AutoCloseable {
  private final RegistryState state;
  private final KafkaStore store;

  private KafkaSchemaRegistry(RegistryState state, KafkaStore store) {
    this.state = state;
    this.store = store;
  }

  /** Opens the store of {@code config} and reads it up to its end. */
  public static KafkaSchemaRegistry open(RegistryServerConfig config) {
    RegistryState state = new RegistryState();
    return new KafkaSchemaRegistry(state, KafkaStore.open(config, state));
  }

  @Override
  public int register(String subject, Schema schema) {
    Objects.requireNonNull(schema, "schema");
    Optional<SchemaRecord> known = liveVersionOf(subject, schema);
    if (known.isPresent()) {
      return known.get().id();
    }
    return store.write(() -> planRegister(subject, schema));
  }

  private Plan<Integer> planRegister(String subject, Schema schema) {
    Optional<SchemaRecord> known = liveVersionOf(subject, schema);
    if (known.isPresent()) {
      return Plan.nothing(known.get().id());
    }
    CompatibilityResult result = check(subject, schema, state.liveVersions(subject).values());
    if (!result.compatible()) {
      throw new RegistryException(
          "Schema being registered is incompatible with an earlier schema for subject \""
              + subject
              + "\", details: "
              + result.messages(),
          409,
          RegistryException.INCOMPATIBLE_SCHEMA);
    }
    int id = state.idOf(schema).orElseGet(state::nextId);
    int version = state.nextVersion(subject);
    return Plan.of(new SchemaRecord(subject, version, id, schema.toString(), false), id);
  }

  @Override
  public Schema getById(int id) {
    return state
        .schema(id)
        .orElseThrow(() -> RegistryErrors.schemaNotFound("Schema " + id + " not found"));
  }

  /** The live versions that use schema {@code id}. */
  public List<SchemaVersion> usages(int id) {
    Schema schema = getById(id);
    return state.usages(id).stream()
        .map(u -> new SchemaVersion(u.subject(), u.version(), id, schema))
        .toList();
  }

  @Override
  public SchemaVersion lookup(String subject, Schema schema) {
    requireLive(subject);
    return liveVersionOf(subject, schema)
        .map(this::toVersion)
        .orElseThrow(() -> RegistryErrors.schemaNotFound("Schema not found"));
  }

  @Override
  public SchemaVersion latest(String subject) {
    return toVersion(requireLive(subject).lastEntry().getValue());
  }

  @Override
  public SchemaVersion version(String subject, int version) {
    if (version < 1) {
      throw RegistryErrors.invalidVersion(Integer.toString(version));
    }
    SchemaRecord record = requireLive(subject).get(version);
    if (record == null) {
      throw RegistryErrors.versionNotFound(subject, version);
    }
    return toVersion(record);
  }

  @Override
  public List<String> subjects() {
    return state.subjects(false);
  }

  /** Every subject, with those whose versions are all deleted when {@code deleted}. */
  public List<String> subjects(boolean deleted) {
    return state.subjects(deleted);
  }

  @Override
  public List<Integer> versions(String subject) {
    return List.copyOf(requireLive(subject).keySet());
  }

  @Override
  public CompatibilityResult testCompatibility(String subject, Schema schema) {
    return check(subject, schema, state.liveVersions(Objects.requireNonNull(subject)).values());
  }

  /**
   * Whether {@code schema} is compatible with version {@code version} of {@code subject} (and, for
   * a transitive level, with every version before it).
   */
  public CompatibilityResult testCompatibility(String subject, Schema schema, int version) {
    version(subject, version);
    return check(subject, schema, state.liveVersions(subject).headMap(version, true).values());
  }

  @Override
  public CompatibilityLevel compatibility() {
    return state.globalLevel();
  }

  @Override
  public CompatibilityLevel compatibility(String subject) {
    return state.subjectLevel(subject).orElseGet(state::globalLevel);
  }

  /** The level {@code subject} has of its own. */
  public Optional<CompatibilityLevel> subjectLevel(String subject) {
    return state.subjectLevel(subject);
  }

  @Override
  public CompatibilityLevel setCompatibility(CompatibilityLevel level) {
    Objects.requireNonNull(level, "level");
    return store.write(() -> Plan.of(new ConfigRecord(null, level), level));
  }

  @Override
  public CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level) {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(level, "level");
    return store.write(() -> Plan.of(new ConfigRecord(subject, level), level));
  }

  @Override
  public List<Integer> deleteSubject(String subject) {
    return store.write(
        () -> {
          NavigableMap<Integer, SchemaRecord> live = requireLive(subject);
          List<Integer> deleted = List.copyOf(live.keySet());
          return Plan.of(new DeleteSubjectRecord(subject, live.lastKey()), deleted);
        });
  }

  @Override
  public int deleteVersion(String subject, int version) {
    return store.write(
        () -> {
          version(subject, version);
          return Plan.of(state.liveVersions(subject).get(version).asDeleted(), version);
        });
  }

  /** Stops reading and writing the store. */
  @Override
  public void close() {
    store.close();
  }

  private CompatibilityResult check(
      String subject, Schema schema, Collection<SchemaRecord> against) {
    Objects.requireNonNull(schema, "schema");
    List<Schema> existing = against.stream().map(r -> getById(r.id())).toList();
    return CompatibilityChecker.check(compatibility(subject), schema, existing);
  }

  private Optional<SchemaRecord> liveVersionOf(String subject, Schema schema) {
    Objects.requireNonNull(subject, "subject");
    Optional<Integer> id = state.idOf(schema);
    return state.liveVersions(subject).values().stream()
        .filter(r -> id.isPresent() && r.id() == id.get())
        .findFirst();
  }

  private NavigableMap<Integer, SchemaRecord> requireLive(String subject) {
    NavigableMap<Integer, SchemaRecord> live = state.liveVersions(Objects.requireNonNull(subject));
    if (live.isEmpty()) {
      throw RegistryErrors.subjectNotFound(subject);
    }
    return live;
  }

  private SchemaVersion toVersion(SchemaRecord record) {
    return new SchemaVersion(record.subject(), record.version(), record.id(), getById(record.id()));
  }
}
