package dev.offload.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * A schema registry held in memory, for unit tests and {@code TopologyTestDriver}: no server, the
 * same answers and compatibility rules ({@link CompatibilityChecker}) as a real one.
 *
 * <p>Ids are registry-wide and start at 1; the same schema gets the same id in every subject.
 * Versions count from 1 per subject and are never reused after a delete; deleted schemas stay
 * readable by id, as on Confluent. Thread-safe.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {
  private final Map<Integer, Schema> schemasById = new HashMap<>();
  private final Map<Schema, Integer> idsBySchema = new HashMap<>();
  private final Map<String, TreeMap<Integer, Integer>> subjects = new HashMap<>();
  private final Map<String, Integer> lastVersions = new HashMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel = CompatibilityLevel.DEFAULT;
  private int nextId = 1;

  /** An empty registry with the default level, {@link CompatibilityLevel#BACKWARD}. */
  public InMemorySchemaRegistry() {}

  @Override
  public synchronized int register(String subject, Schema schema) {
    Objects.requireNonNull(schema, "schema");
    Integer existing = versionOf(subject, schema);
    if (existing != null) {
      return subjects.get(subject).get(existing);
    }
    CompatibilityResult result = check(subject, schema);
    if (!result.compatible()) {
      throw new RegistryException(
          "Schema being registered is incompatible with an earlier schema for subject \""
              + subject
              + "\", details: "
              + result.messages(),
          409,
          RegistryException.INCOMPATIBLE_SCHEMA);
    }
    int id = idsBySchema.computeIfAbsent(schema, s -> nextId++);
    schemasById.put(id, schema);
    int version = lastVersions.merge(subject, 1, Integer::sum);
    subjects.computeIfAbsent(subject, s -> new TreeMap<>()).put(version, id);
    return id;
  }

  @Override
  public synchronized Schema getById(int id) {
    Schema schema = schemasById.get(id);
    if (schema == null) {
      throw notFound("Schema " + id + " not found", RegistryException.SCHEMA_NOT_FOUND);
    }
    return schema;
  }

  @Override
  public synchronized SchemaVersion lookup(String subject, Schema schema) {
    requireVersions(subject);
    Integer version = versionOf(subject, schema);
    if (version == null) {
      throw notFound("Schema not found in subject " + subject, RegistryException.SCHEMA_NOT_FOUND);
    }
    return version(subject, version);
  }

  @Override
  public synchronized SchemaVersion latest(String subject) {
    return version(subject, requireVersions(subject).lastKey());
  }

  @Override
  public synchronized SchemaVersion version(String subject, int version) {
    if (version < 1) {
      throw new RegistryException(
          "The specified version '" + version + "' is not a valid version id",
          422,
          RegistryException.INVALID_VERSION);
    }
    Integer id = requireVersions(subject).get(version);
    if (id == null) {
      throw notFound(
          "Version " + version + " not found in subject " + subject,
          RegistryException.VERSION_NOT_FOUND);
    }
    return new SchemaVersion(subject, version, id, schemasById.get(id));
  }

  @Override
  public synchronized List<String> subjects() {
    return subjects.keySet().stream().sorted().toList();
  }

  @Override
  public synchronized List<Integer> versions(String subject) {
    return List.copyOf(requireVersions(subject).keySet());
  }

  @Override
  public synchronized CompatibilityResult testCompatibility(String subject, Schema schema) {
    Objects.requireNonNull(schema, "schema");
    return check(subject, schema);
  }

  @Override
  public synchronized CompatibilityLevel compatibility() {
    return globalLevel;
  }

  @Override
  public synchronized CompatibilityLevel compatibility(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }

  @Override
  public synchronized CompatibilityLevel setCompatibility(CompatibilityLevel level) {
    globalLevel = Objects.requireNonNull(level, "level");
    return level;
  }

  @Override
  public synchronized CompatibilityLevel setCompatibility(
      String subject, CompatibilityLevel level) {
    subjectLevels.put(Objects.requireNonNull(subject, "subject"), Objects.requireNonNull(level));
    return level;
  }

  @Override
  public synchronized List<Integer> deleteSubject(String subject) {
    List<Integer> deleted = List.copyOf(requireVersions(subject).keySet());
    subjects.remove(subject);
    return deleted;
  }

  @Override
  public synchronized int deleteVersion(String subject, int version) {
    version(subject, version);
    TreeMap<Integer, Integer> versions = subjects.get(subject);
    versions.remove(version);
    if (versions.isEmpty()) {
      subjects.remove(subject);
    }
    return version;
  }

  private CompatibilityResult check(String subject, Schema schema) {
    List<Schema> existing = new ArrayList<>();
    subjects
        .getOrDefault(subject, new TreeMap<>())
        .values()
        .forEach(id -> existing.add(schemasById.get(id)));
    return CompatibilityChecker.check(compatibility(subject), schema, existing);
  }

  private Integer versionOf(String subject, Schema schema) {
    Objects.requireNonNull(subject, "subject");
    TreeMap<Integer, Integer> versions = subjects.get(subject);
    Integer id = idsBySchema.get(schema);
    if (versions == null || id == null) {
      return null;
    }
    return versions.entrySet().stream()
        .filter(e -> e.getValue().equals(id))
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(null);
  }

  private TreeMap<Integer, Integer> requireVersions(String subject) {
    TreeMap<Integer, Integer> versions = subjects.get(Objects.requireNonNull(subject, "subject"));
    if (versions == null) {
      throw notFound("Subject '" + subject + "' not found.", RegistryException.SUBJECT_NOT_FOUND);
    }
    return versions;
  }

  private static RegistryException notFound(String message, int code) {
    return new RegistryException(message, 404, code);
  }
}
