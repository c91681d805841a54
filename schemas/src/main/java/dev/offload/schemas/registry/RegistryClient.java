package dev.offload.schemas.registry;

import dev.offload.schemas.config.ConfigChecks;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.InterruptException;

/**
 * A {@link SchemaRegistry} reached over the Confluent Schema Registry REST API v1, with the JDK's
 * {@link java.net.http.HttpClient} and Jackson.
 *
 * <p>It speaks the subset of the API that Confluent Schema Registry, Karapace, Apicurio Registry's
 * Confluent-compatible API and Redpanda's built-in registry have in common: {@code
 * /subjects/{subject}/versions}, {@code /subjects/{subject}}, {@code /schemas/ids/{id}}, {@code
 * /compatibility/subjects/{subject}/versions/latest?verbose=true}, {@code /config} and {@code
 * /config/{subject}}, content type {@code application/vnd.schemaregistry.v1+json}, Avro schemas
 * only, no schema references. What differs between them: Apicurio serves the API under a base path,
 * so its base URL is {@code http://host:8080/apis/ccompat/v7}, the others at the root ({@code
 * http://host:8081}; Redpanda's registry listens on 8081 of the broker); a subject's level is read
 * with {@code ?defaultToGlobal=true}, without which Confluent answers 40408 for a subject with no
 * level of its own, and a registry that ignores the parameter may still do so; a registry that
 * ignores {@code verbose=true} answers compatibility without {@code messages} (read as none); an
 * error body without a Confluent {@code error_code} (a proxy's page, say) reads as the HTTP status;
 * deletion is the soft one everywhere (the id stays readable), permanent deletion is not offered
 * here.
 *
 * <p>Schemas by id are cached for good (an id never changes its schema), ids by subject and schema
 * until that subject is deleted through this client; each cache holds at most {@link
 * RegistryClientConfig#cacheSize()} entries. 5xx answers and failed connections are retried with
 * backoff, and every base URL is tried in turn (failover); 4xx answers fail at once. Thread-safe.
 *
 * <p>An interrupt while waiting is not retried: the call ends with Kafka's {@link
 * InterruptException}, which keeps the thread's interrupt flag set.
 */
public final class RegistryClient implements SchemaRegistry {
  /** How the client waits between retries; tests pass one that records instead of waiting. */
  @FunctionalInterface
  public interface Sleeper {
    /** Waits for {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;
  }

  private final RegistryHttp http;
  private final BoundedCache<Integer, Schema> schemasById;
  private final BoundedCache<SubjectSchema, Integer> idsBySubjectSchema;
  private final BoundedCache<SubjectSchema, SchemaVersion> versionsBySubjectSchema;

  /** A client that waits with {@link Thread#sleep(long)} between retries. */
  public RegistryClient(RegistryClientConfig config) {
    this(config, duration -> Thread.sleep(duration.toMillis()), new Random());
  }

  /** A client with its own way of waiting and of drawing the backoff jitter. */
  public RegistryClient(RegistryClientConfig config, Sleeper sleeper, RandomGenerator random) {
    ConfigChecks.check(Objects.requireNonNull(config, "config"));
    this.http =
        new RegistryHttp(
            config, Objects.requireNonNull(sleeper, "sleeper"), Objects.requireNonNull(random));
    this.schemasById = new BoundedCache<>(config.cacheSize());
    this.idsBySubjectSchema = new BoundedCache<>(config.cacheSize());
    this.versionsBySubjectSchema = new BoundedCache<>(config.cacheSize());
  }

  @Override
  public int register(String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return cached;
    }
    int id = RegistryJson.id(post(versionsPath(subject), RegistryJson.schemaRequest(schema)));
    idsBySubjectSchema.put(key, id);
    schemasById.put(id, schema);
    return id;
  }

  @Override
  public Schema getById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    Schema schema = RegistryJson.schema(call("GET", "/schemas/ids/" + id, null));
    schemasById.put(id, schema);
    return schema;
  }

  @Override
  public SchemaVersion lookup(String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    SchemaVersion cached = versionsBySubjectSchema.get(key);
    if (cached != null) {
      return cached;
    }
    SchemaVersion found =
        RegistryJson.schemaVersion(
            post(subjectPath(subject), RegistryJson.schemaRequest(schema)), subject);
    versionsBySubjectSchema.put(key, found);
    idsBySubjectSchema.put(key, found.id());
    return found;
  }

  @Override
  public SchemaVersion latest(String subject) {
    return RegistryJson.schemaVersion(
        call("GET", versionsPath(subject) + "/latest", null), subject);
  }

  @Override
  public SchemaVersion version(String subject, int version) {
    return RegistryJson.schemaVersion(
        call("GET", versionsPath(subject) + "/" + version, null), subject);
  }

  @Override
  public List<String> subjects() {
    return RegistryJson.strings(call("GET", "/subjects", null));
  }

  @Override
  public List<Integer> versions(String subject) {
    return RegistryJson.ints(call("GET", versionsPath(subject), null));
  }

  @Override
  public CompatibilityResult testCompatibility(String subject, Schema schema) {
    String path = "/compatibility" + versionsPath(subject) + "/latest?verbose=true";
    return RegistryJson.compatibility(post(path, RegistryJson.schemaRequest(schema)));
  }

  @Override
  public CompatibilityLevel compatibility() {
    return RegistryJson.level(call("GET", "/config", null));
  }

  @Override
  public CompatibilityLevel compatibility(String subject) {
    return RegistryJson.level(
        call("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null));
  }

  @Override
  public CompatibilityLevel setCompatibility(CompatibilityLevel level) {
    return RegistryJson.level(call("PUT", "/config", RegistryJson.compatibilityRequest(level)));
  }

  @Override
  public CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level) {
    return RegistryJson.level(
        call("PUT", "/config/" + encode(subject), RegistryJson.compatibilityRequest(level)));
  }

  @Override
  public List<Integer> deleteSubject(String subject) {
    List<Integer> deleted = RegistryJson.ints(call("DELETE", subjectPath(subject), null));
    forget(subject);
    return deleted;
  }

  @Override
  public int deleteVersion(String subject, int version) {
    int deleted = RegistryJson.integer(call("DELETE", versionsPath(subject) + "/" + version, null));
    forget(subject);
    return deleted;
  }

  private void forget(String subject) {
    idsBySubjectSchema.removeIf(key -> key.subject().equals(subject));
    versionsBySubjectSchema.removeIf(key -> key.subject().equals(subject));
  }

  private String post(String path, String body) {
    return call("POST", path, body);
  }

  private String call(String method, String path, String body) {
    try {
      return http.send(method, path, body);
    } catch (InterruptedException e) {
      throw new InterruptException(e);
    }
  }

  private static String subjectPath(String subject) {
    return "/subjects/" + encode(subject);
  }

  private static String versionsPath(String subject) {
    return subjectPath(subject) + "/versions";
  }

  private static String encode(String subject) {
    Objects.requireNonNull(subject, "subject");
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Cache key: a schema within a subject. */
  private record SubjectSchema(String subject, Schema schema) {
    SubjectSchema {
      Objects.requireNonNull(subject, "subject");
      Objects.requireNonNull(schema, "schema");
    }
  }
}
