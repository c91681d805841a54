package dev.offload.schemas.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One registered version of a subject.
 *
 * @param subject the subject, for example {@code offload.events.user-signed-up-value}
 * @param version the version within the subject, from 1
 * @param id the registry-wide schema id that the wire format carries
 * @param schema the Avro schema
 */
public record SchemaVersion(String subject, int version, int id, Schema schema) {
  /** Checks that no component is missing. */
  public SchemaVersion {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
  }
}
