package dev.offload.producers;

import dev.offload.producers.internal.ApiMetrics;
import dev.offload.producers.internal.ApiRouter;
import dev.offload.producers.internal.CaptureGate;
import dev.offload.producers.internal.EventSchemas;
import dev.offload.producers.internal.HealthHandler;
import dev.offload.producers.internal.OutboxStore;
import dev.offload.runtime.breaker.CircuitBreaker;
import dev.offload.runtime.breaker.CircuitBreakerPolicy;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.outbox.OutboxMigrations;
import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.net.BindException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP ingest API: applications publish events with {@code POST /v1/events/{type}} and the API
 * writes each one to the PostgreSQL outbox, answering {@code 202} only after the write committed.
 *
 * <p>Started with a {@link SchemaRegistry}, the API validates each event at the door: the type must
 * have a schema under subject {@code offload.events.<type>-value} ({@code 404 unknown-event-type}
 * with {@code knownTypes} otherwise), and {@code data} must match its latest version ({@code 400
 * invalid-data} with every violation, see {@link dev.offload.producers.validation.JsonToAvro});
 * {@code GET /v1/event-types} lists the types with their latest schema. The outbox payload, and so
 * the Kafka record value, is then the data as Avro in the Confluent wire format (magic byte 0, the
 * 4-byte id of the schema it was validated against, Avro binary); the API looks ids up but never
 * registers a schema (the built-in ones aside, at start). A failing registry is answered {@code
 * 503} with {@code Retry-After}.
 *
 * <p>Started without a registry (schemaless mode), any well-formed data of a kebab-case type is
 * accepted and the payload is the UTF-8 JSON of {@code data}, as compact JSON text. Consumers then
 * read JSON, not the Confluent wire format that {@code DESIGN.md} promises; it suits tests and apps
 * that bring their own contract.
 *
 * <p>{@code POST /v1/events:batch} publishes up to {@link ApiConfig.Limits#maxBatchEvents()} events
 * in one transaction, all or none. Requests carry an app's key ({@code Authorization: Bearer
 * <key>}, see {@link ProducerApps}) unless {@link ApiConfig#auth()} makes keys optional; the app
 * names the events' producer and limits their types. An {@code Idempotency-Key} header makes a
 * retry answer the first request's ids without writing again. See {@code /openapi.yaml}.
 *
 * <p>Also serves {@code GET /health/live}, {@code GET /health/ready}, {@code GET /metrics}, {@code
 * GET /openapi.yaml} and {@code GET /docs} (Swagger UI). {@link #start} returns once the server
 * listens; {@link #close()} stops it. Call both from a thread of your own, not from a Vert.x event
 * loop.
 *
 * <p>The port is served by one HTTP server per available processor, each on an event loop of its
 * own (Vert.x shares the listening socket between them), so that parsing, validation and answers
 * use every core rather than one; they share one router, one database pool and one rate limiter.
 */
public final class IngestApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IngestApi.class);
  private static final long TIMEOUT_SECONDS = 30;

  private final ApiConfig config;
  private final Vertx vertx;
  private final OutboxStore store;
  private final EventSchemas schemas;
  private final List<HttpServer> servers;
  private final int port;
  private boolean closed;

  private IngestApi(
      ApiConfig config,
      Vertx vertx,
      OutboxStore store,
      EventSchemas schemas,
      List<HttpServer> servers) {
    this.config = config;
    this.vertx = vertx;
    this.store = store;
    this.schemas = schemas;
    this.servers = List.copyOf(servers);
    this.port = servers.get(0).actualPort();
  }

  /**
   * Applies the outbox migrations, then starts the server without schema validation (schemaless:
   * payloads are the UTF-8 JSON of each event's {@code data}) and waits until it listens.
   *
   * @param registry where the API's meters go; {@code /metrics} serves its scrape
   * @param readinessChecks extra conditions of {@code /health/ready}, by name (not {@code
   *     database}, which is built in); they may block, they run off the event loop
   * @throws IllegalStateException when the database cannot be migrated, or the port is taken (the
   *     message then says {@code port <n> ... already in use})
   */
  public static IngestApi start(
      ApiConfig config,
      PrometheusMeterRegistry registry,
      Map<String, BooleanSupplier> readinessChecks) {
    return startWith(config, registry, readinessChecks, null, Tracing.off());
  }

  /**
   * Applies the outbox migrations, registers the built-in event schemas that {@code schemaRegistry}
   * lacks, then starts the server validating every event against its type's latest schema, and
   * waits until it listens.
   *
   * @param registry where the API's meters go; {@code /metrics} serves its scrape
   * @param readinessChecks extra conditions of {@code /health/ready}, by name (not {@code
   *     database}, which is built in); they may block, they run off the event loop
   * @param schemaRegistry where the event types' schemas live, for example a {@code
   *     RegistryClient}; its calls may block, they run off the event loop
   * @throws IllegalStateException when the database cannot be migrated, the built-in schemas cannot
   *     be registered, or the port is taken (the message then says {@code port <n> ... already in
   *     use})
   */
  public static IngestApi start(
      ApiConfig config,
      PrometheusMeterRegistry registry,
      Map<String, BooleanSupplier> readinessChecks,
      SchemaRegistry schemaRegistry) {
    return start(config, registry, readinessChecks, schemaRegistry, Tracing.off());
  }

  /**
   * As {@link #start(ApiConfig, PrometheusMeterRegistry, Map, SchemaRegistry)}, recording a span
   * for each request and its outbox write in {@code tracing}; the {@code traceparent} written with
   * each event names the request's span. A null {@code schemaRegistry} validates no schema.
   */
  public static IngestApi start(
      ApiConfig config,
      PrometheusMeterRegistry registry,
      Map<String, BooleanSupplier> readinessChecks,
      SchemaRegistry schemaRegistry,
      Tracing tracing) {
    return startWith(
        config,
        registry,
        readinessChecks,
        schemaRegistry,
        Objects.requireNonNull(tracing, "tracing"));
  }

  private static IngestApi startWith(
      ApiConfig config,
      PrometheusMeterRegistry registry,
      Map<String, BooleanSupplier> readinessChecks,
      SchemaRegistry schemaRegistry,
      Tracing tracing) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(registry, "registry");
    Map<String, BooleanSupplier> checks = copyChecks(readinessChecks);
    // The database and the registry are apart: migrate one while registering in the other.
    CompletableFuture<Void> migrated = CompletableFuture.runAsync(() -> migrate(config.database()));
    if (schemaRegistry != null) {
      registerBuiltIns(schemaRegistry);
    }
    try {
      migrated.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    Vertx vertx = Vertx.vertx();
    OutboxStore store = null;
    try {
      ApiMetrics metrics = new ApiMetrics(registry);
      store = OutboxStore.open(vertx, config, metrics);
      Clock clock = Clock.systemUTC();
      EventSchemas schemas =
          schemaRegistry == null
              ? null
              : EventSchemas.create(vertx, schemaRegistry, clock, config.registry().cacheTtl());
      CircuitBreaker breaker =
          new CircuitBreaker(
              "database",
              new CircuitBreakerPolicy(
                  config.breaker().failureThreshold(), config.breaker().openFor()),
              System::nanoTime);
      metrics.bindBreaker(breaker);
      CaptureGate capture =
          config.outbox().requireCapture()
              ? CaptureGate.start(vertx, store, registry)
              : CaptureGate.notRequired();
      ApiRouter.Parts parts =
          new ApiRouter.Parts(
              store, registry, checks, config, clock, schemas, breaker, capture, tracing);
      Router router = ApiRouter.create(vertx, metrics, parts);
      List<HttpServer> servers = listen(vertx, router, config);
      IngestApi api = new IngestApi(config, vertx, store, schemas, servers);
      purgePeriodically(vertx, store, config.idempotency());
      log.info(
          "Offload ingest API listening on {}:{}{}; {}",
          config.http().host(),
          api.port(),
          schemas == null ? " (no schema validation)" : "",
          config.auth().required()
              ? "API keys required"
              : "requests without an API key publish as app '" + config.producerName() + "'");
      return api;
    } catch (Exception e) { // Future.await rethrows checked causes such as BindException as is
      closeQuietly(vertx, store);
      throw startFailure(config, e);
    }
  }

  /** The port the server listens on (the chosen one when {@link ApiConfig.Http#port()} is 0). */
  public int port() {
    return port;
  }

  /** The URL clients use, e.g. {@code http://127.0.0.1:8080} (no trailing slash). */
  public String baseUrl() {
    String host = config.http().host();
    if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    } else if (host.equals("::") || host.equals("[::]")) {
      host = "[::1]";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port();
  }

  /** Stops the server, then the database pool and Vert.x; waits for all three. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      await(Future.join(servers.stream().map(HttpServer::close).toList()), "stop the HTTP servers");
      await(store.close(), "close the database pool");
      if (schemas != null) {
        await(schemas.close(), "stop the schema registry workers");
      }
    } finally {
      await(vertx.close(), "stop Vert.x");
    }
    log.info("Offload ingest API on {}:{} stopped", config.http().host(), port());
  }

  /**
   * Starts one server per available processor, each deployed on an event loop of its own, all on
   * {@code config}'s port (a negative port makes Vert.x share one random port among them).
   */
  private static List<HttpServer> listen(Vertx vertx, Router router, ApiConfig config) {
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    ApiConfig.Http http = config.http();
    int port = http.port() == 0 ? -1 : http.port();
    List<HttpServer> servers = new CopyOnWriteArrayList<>();
    await(
        vertx.deployVerticle(
            () ->
                new VerticleBase() {
                  @Override
                  public Future<?> start() {
                    return vertx
                        .createHttpServer(new HttpServerOptions().setHost(http.host()))
                        .requestHandler(router)
                        .listen(port, http.host())
                        .onSuccess(servers::add);
                  }
                },
            new DeploymentOptions().setInstances(instances)),
        "listen on " + address(config));
    return servers;
  }

  /** Deletes expired idempotency keys every purge interval (first after one interval). */
  private static void purgePeriodically(
      Vertx vertx, OutboxStore store, ApiConfig.Idempotency idempotency) {
    vertx.setPeriodic(
        idempotency.purgeInterval().toMillis(),
        tick ->
            store
                .purgeIdempotencyKeys(idempotency.retention())
                .onSuccess(
                    purged -> {
                      if (purged > 0) {
                        log.info("Purged {} expired idempotency keys", purged);
                      }
                    })
                .onFailure(
                    failure ->
                        log.warn(
                            "Could not purge expired idempotency keys (next try in {}): {}",
                            idempotency.purgeInterval(),
                            failure.toString())));
  }

  private static Map<String, BooleanSupplier> copyChecks(Map<String, BooleanSupplier> checks) {
    Objects.requireNonNull(checks, "readinessChecks (use Map.of() for none)");
    if (checks.containsKey(HealthHandler.DATABASE)) {
      throw new IllegalArgumentException(
          "readinessChecks must not be named '" + HealthHandler.DATABASE + "': it is built in");
    }
    checks.forEach((name, check) -> Objects.requireNonNull(check, "readiness check " + name));
    return new LinkedHashMap<>(checks);
  }

  private static void migrate(ApiConfig.Database db) {
    try (Connection connection =
        DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      OutboxMigrations.migrate(connection);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot apply the outbox migrations to " + db.jdbcUrl() + ": " + e.getMessage(), e);
    }
  }

  private static void registerBuiltIns(SchemaRegistry schemaRegistry) {
    try {
      EventSchemas.registerBuiltIns(schemaRegistry);
    } catch (RegistryException e) {
      throw new IllegalStateException(
          "cannot register the built-in event schemas in the schema registry: " + e.getMessage(),
          e);
    }
  }

  private static <T> T await(Future<T> future, String what) {
    try {
      return future.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "could not " + what + " within " + TIMEOUT_SECONDS + " seconds", e);
    }
  }

  private static RuntimeException startFailure(ApiConfig config, Exception e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      if (cause instanceof BindException || message.contains("Address already in use")) {
        return new IllegalStateException(
            "port "
                + config.http().port()
                + " on "
                + config.http().host()
                + " is already in use; stop what is using it or choose another port",
            e);
      }
    }
    return e instanceof RuntimeException
        ? (RuntimeException) e
        : new IllegalStateException("cannot start on " + address(config) + ": " + e, e);
  }

  private static void closeQuietly(Vertx vertx, OutboxStore store) {
    try {
      if (store != null) {
        store.close().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
      vertx.close().await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) { // Future.await may rethrow a checked cause as is
      log.warn("Could not release resources after a failed start: {}", e.toString());
    }
  }

  private static String address(ApiConfig config) {
    return config.http().host() + ":" + config.http().port();
  }
}
