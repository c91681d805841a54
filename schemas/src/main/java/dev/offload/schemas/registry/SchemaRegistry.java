package dev.offload.schemas.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The operations of a Confluent-compatible schema registry that Offload uses, for Avro schemas.
 *
 * <p>Implementations: {@link RegistryClient} speaks the REST API to a running registry; {@link
 * InMemorySchemaRegistry} keeps everything in the JVM for tests and {@code TopologyTestDriver}.
 * Both apply the same rules. Every method throws {@link RegistryException} when the registry
 * refuses (unknown subject, version or id; incompatible schema) or cannot be reached.
 */
public interface SchemaRegistry {
  /**
   * Registers {@code schema} under {@code subject} if the subject's compatibility level allows it.
   * Registering a schema that the subject already has returns its id and adds no version.
   *
   * @return the registry-wide schema id
   * @throws RegistryException with {@link RegistryException#INCOMPATIBLE_SCHEMA} when refused
   */
  int register(String subject, Schema schema);

  /**
   * The schema with this registry-wide id.
   *
   * @throws RegistryException with {@link RegistryException#SCHEMA_NOT_FOUND} when none has it
   */
  Schema getById(int id);

  /**
   * The version of {@code subject} that holds {@code schema}, without registering it.
   *
   * @throws RegistryException with {@link RegistryException#SUBJECT_NOT_FOUND} or {@link
   *     RegistryException#SCHEMA_NOT_FOUND}
   */
  SchemaVersion lookup(String subject, Schema schema);

  /** The newest version of {@code subject}. */
  SchemaVersion latest(String subject);

  /**
   * Version {@code version} of {@code subject}.
   *
   * @throws RegistryException with {@link RegistryException#VERSION_NOT_FOUND} when missing
   */
  SchemaVersion version(String subject, int version);

  /** Every subject that has at least one version, sorted. */
  List<String> subjects();

  /** The versions of {@code subject}, ascending. */
  List<Integer> versions(String subject);

  /**
   * Whether {@code schema} could be registered under {@code subject} now, with the reasons when
   * not. A subject without versions accepts any schema.
   */
  CompatibilityResult testCompatibility(String subject, Schema schema);

  /** The registry-wide compatibility level. */
  CompatibilityLevel compatibility();

  /** The level that applies to {@code subject}: its own, else the registry-wide one. */
  CompatibilityLevel compatibility(String subject);

  /** Sets the registry-wide level and returns it. */
  CompatibilityLevel setCompatibility(CompatibilityLevel level);

  /** Sets {@code subject}'s own level and returns it. */
  CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level);

  /**
   * Deletes every version of {@code subject} (a soft delete on Confluent: ids stay readable).
   *
   * @return the versions deleted
   */
  List<Integer> deleteSubject(String subject);

  /**
   * Deletes one version of {@code subject}; the schema id stays readable.
   *
   * @return the version deleted
   */
  int deleteVersion(String subject, int version);
}
