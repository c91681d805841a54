package dev.offload.producers.internal;

import dev.offload.schemas.Topics;
import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.schemas.registry.SchemaVersion;
import dev.offload.schemas.serde.AvroSerdeConfig;
import dev.offload.schemas.serde.AvroSerializer;
import dev.offload.schemas.serde.RegistrationMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.generic.GenericContainer;

/**
 * The blocking counterpart of {@link EventSchemas} for {@code OutboxWriter}: the latest schema of
 * each event type, cached for a time to live, and the Confluent framing of a record with the id of
 * its exact schema (looked up, never registered). Thread-safe.
 */
public final class WriterSchemas {
  private final SchemaRegistry registry;
  private final Clock clock;
  private final Duration ttl;
  private final AvroSerializer<GenericContainer> serializer;
  private final Map<String, Cached> latest = new ConcurrentHashMap<>();

  private record Cached(SchemaVersion version, Instant expires) {}

  /** Schemas of {@code registry}, each reused for {@code ttl}. */
  public WriterSchemas(SchemaRegistry registry, Clock clock, Duration ttl) {
    this.registry = registry;
    this.clock = clock;
    this.ttl = ttl;
    // LOOKUP: a publisher must never create or change the contract.
    this.serializer =
        new AvroSerializer<>(
            registry, AvroSerdeConfig.defaults().withRegistration(RegistrationMode.LOOKUP));
  }

  /**
   * The latest schema of {@code type}, or {@code null} when its subject has none (not cached, so a
   * type registered later is publishable at once).
   *
   * @throws RegistryException when the registry fails or cannot be reached
   */
  public SchemaVersion latest(String type) {
    Cached cached = latest.get(type);
    Instant now = clock.instant();
    if (cached != null && now.isBefore(cached.expires())) {
      return cached.version();
    }
    SchemaVersion version;
    try {
      version = registry.latest(EventSchemas.subjectOf(type));
    } catch (RegistryException e) {
      if (e.is(RegistryException.SUBJECT_NOT_FOUND) || e.is(RegistryException.VERSION_NOT_FOUND)) {
        latest.remove(type);
        return null;
      }
      throw e;
    }
    latest.put(type, new Cached(version, now.plus(ttl)));
    return version;
  }

  /** {@code record} in the Confluent wire format, framed with its schema's id in the subject. */
  public byte[] frame(String type, GenericContainer record) {
    return serializer.serialize(Topics.events(type), record);
  }
}
