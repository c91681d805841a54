package dev.offload.producers.internal;

import dev.offload.schemas.BuiltInEventType;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.Topics;
import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.schemas.registry.SchemaVersion;
import dev.offload.schemas.serde.AvroSerdeConfig;
import dev.offload.schemas.serde.AvroSerializer;
import dev.offload.schemas.serde.RegistrationMode;
import dev.offload.schemas.serde.SubjectNameStrategy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.generic.GenericContainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event types of a schema registry: a type exists when subject {@code
 * offload.events.<type>-value} has a version.
 *
 * <p>Registry calls block, so they run on a small worker pool of their own, never on an event loop;
 * the futures complete on the caller's context. The latest schema of a type is cached for {@code
 * ttl} (a new version is used within that time); a type without schema is not cached, so a type
 * registered at run time is publishable at once. The list of known types is cached for {@code ttl}
 * too. Events are framed with the id of the exact schema they were validated against, looked up
 * (never registered) once per schema.
 */
public final class EventSchemas {
  /** Worker threads for registry calls; beyond them, calls queue. */
  static final int WORKERS = 4;

  private static final Logger log = LoggerFactory.getLogger(EventSchemas.class);
  private static final String SUFFIX = "-value";

  private final SchemaRegistry registry;
  private final WorkerExecutor workers;
  private final Clock clock;
  private final Duration ttl;
  private final AvroSerializer<GenericContainer> serializer;
  private final Map<String, Cached<SchemaVersion>> latest = new ConcurrentHashMap<>();
  private volatile Cached<List<String>> knownTypes;

  /** What {@link #latest(String)} found: a schema, or none and the types that have one. */
  public record Lookup(SchemaVersion schema, List<String> knownTypes) {}

  private record Cached<T>(T value, Instant expires) {}

  private EventSchemas(SchemaRegistry registry, WorkerExecutor workers, Clock clock, Duration ttl) {
    this.registry = registry;
    this.workers = workers;
    this.clock = clock;
    this.ttl = ttl;
    // LOOKUP: a publisher must never create or change the contract; the id is cached for good.
    this.serializer =
        new AvroSerializer<>(
            registry, AvroSerdeConfig.defaults().withRegistration(RegistrationMode.LOOKUP));
  }

  /** Event types of {@code registry}, with answers cached for {@code ttl}. */
  public static EventSchemas create(
      Vertx vertx, SchemaRegistry registry, Clock clock, Duration ttl) {
    WorkerExecutor workers = vertx.createSharedWorkerExecutor("offload-schema-registry", WORKERS);
    return new EventSchemas(
        Objects.requireNonNull(registry, "registry"), workers, clock, Objects.requireNonNull(ttl));
  }

  /** Stops the worker pool. */
  public Future<Void> close() {
    return workers.close();
  }

  /** The registry subject of the values of {@code type}: {@code offload.events.<type>-value}. */
  public static String subjectOf(String type) {
    return SubjectNameStrategy.TOPIC_NAME.subject(Topics.events(type), false, null);
  }

  /** The event type whose values {@code subject} describes, or {@code null} when none. */
  public static String typeOf(String subject) {
    if (!subject.endsWith(SUFFIX)) {
      return null;
    }
    return Topics.eventTypeOf(subject.substring(0, subject.length() - SUFFIX.length()));
  }

  /**
   * Registers each built-in schema under its subject unless the subject has a version already (it
   * may have evolved). Blocks; call it before serving.
   *
   * @throws RegistryException when the registry refuses or cannot be reached
   */
  public static void registerBuiltIns(SchemaRegistry registry) {
    Set<String> existing = Set.copyOf(registry.subjects());
    for (BuiltInEventType<?> type : BuiltInEventTypes.all()) {
      String subject = subjectOf(type.type());
      if (!existing.contains(subject)) {
        int id = registry.register(subject, type.schema());
        log.info("Registered the built-in schema of {} as id {}", type.type(), id);
      }
    }
  }

  /** The latest schema of {@code type}, or the known types when it has none. */
  public Future<Lookup> latest(String type) {
    Cached<SchemaVersion> cached = latest.get(type);
    if (cached != null && clock.instant().isBefore(cached.expires())) {
      return Future.succeededFuture(new Lookup(cached.value(), List.of()));
    }
    return workers.executeBlocking(() -> fetch(type), false);
  }

  /**
   * The Kafka record value of an event of {@code type}: {@code record} in the Confluent wire format
   * (magic byte 0, the registry's id of {@code record}'s schema, Avro binary). The id is looked up
   * in the type's subject, never registered; the future fails with a {@code SerializationException}
   * when the registry cannot tell it.
   */
  public Future<byte[]> frame(String type, GenericContainer record) {
    return workers.executeBlocking(() -> serializer.serialize(Topics.events(type), record), false);
  }

  /** The latest schema of every event type, sorted by type; refreshes the cache. */
  public Future<List<SchemaVersion>> all() {
    return workers.executeBlocking(this::fetchAll, false);
  }

  private Lookup fetch(String type) {
    SchemaVersion version = latestOrNull(subjectOf(type));
    if (version == null) {
      latest.remove(type);
      return new Lookup(null, knownTypes());
    }
    latest.put(type, new Cached<>(version, clock.instant().plus(ttl)));
    return new Lookup(version, List.of());
  }

  private List<SchemaVersion> fetchAll() {
    List<SchemaVersion> versions = new ArrayList<>();
    for (String subject : registry.subjects()) {
      String type = typeOf(subject);
      SchemaVersion version = type == null ? null : latestOrNull(subject);
      if (version != null) {
        versions.add(version);
        latest.put(type, new Cached<>(version, clock.instant().plus(ttl)));
      }
    }
    versions.sort(Comparator.comparing(v -> typeOf(v.subject())));
    knownTypes =
        new Cached<>(
            versions.stream().map(v -> typeOf(v.subject())).toList(), clock.instant().plus(ttl));
    return versions;
  }

  private List<String> knownTypes() {
    Cached<List<String>> cached = knownTypes;
    if (cached != null && clock.instant().isBefore(cached.expires())) {
      return cached.value();
    }
    List<String> types =
        registry.subjects().stream()
            .map(EventSchemas::typeOf)
            .filter(Objects::nonNull)
            .sorted()
            .toList();
    knownTypes = new Cached<>(types, clock.instant().plus(ttl));
    return types;
  }

  /** The latest version of {@code subject}, {@code null} when it has none. */
  private SchemaVersion latestOrNull(String subject) {
    try {
      return registry.latest(subject);
    } catch (RegistryException e) {
      if (e.is(RegistryException.SUBJECT_NOT_FOUND) || e.is(RegistryException.VERSION_NOT_FOUND)) {
        return null;
      }
      throw e;
    }
  }
}
