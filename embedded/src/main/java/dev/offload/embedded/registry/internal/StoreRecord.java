package dev.offload.embedded.registry.internal;

import dev.offload.schemas.registry.CompatibilityLevel;

/**
 * One record of the registry's storage topic, decoded. The topic is compacted, so each kind is
 * keyed by what it replaces: a schema version by subject and version, a level by subject (or none
 * for the registry-wide one), a subject deletion by subject.
 */
sealed interface StoreRecord {

  /**
   * Version {@code version} of {@code subject} holds schema {@code id}; {@code deleted} once soft
   * deleted (the id stays readable, the version number is never given again).
   */
  record SchemaRecord(String subject, int version, int id, String schema, boolean deleted)
      implements StoreRecord {
    SchemaRecord asDeleted() {
      return new SchemaRecord(subject, version, id, schema, true);
    }
  }

  /** A tombstone on a version's key: the version is gone for good (written by other registries). */
  record SchemaTombstone(String subject, int version) implements StoreRecord {}

  /**
   * The compatibility level of {@code subject}, or the registry-wide one when {@code subject} is
   * null; a null {@code level} removes the subject's own level.
   */
  record ConfigRecord(String subject, CompatibilityLevel level) implements StoreRecord {}

  /** Every version of {@code subject} up to {@code version} is soft deleted. */
  record DeleteSubjectRecord(String subject, int version) implements StoreRecord {}

  /** A record this registry does not act on (Confluent's NOOP, MODE, …). */
  record Ignored(String keytype) implements StoreRecord {}
}
