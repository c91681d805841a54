package dev.offload.embedded.registry;

import dev.offload.embedded.registry.internal.KafkaSchemaRegistry;
import dev.offload.embedded.registry.internal.RegistryRoutes;
import dev.offload.schemas.config.ConfigChecks;
import dev.offload.schemas.registry.SchemaRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offload's schema registry: a Vert.x HTTP server speaking the Confluent Schema Registry REST API
 * v1 (the subset {@link dev.offload.schemas.registry.RegistryClient} uses, Avro only), with its
 * schemas stored in a compacted Kafka topic as Confluent stores them.
 *
 * <p>Every instance started on the same topic serves the same ids and versions, and a restarted
 * instance serves what was registered before: the state is rebuilt by reading the topic from the
 * beginning. Writes go through one Kafka transactional id per topic, so concurrent instances never
 * give out the same id; an answered write has been applied locally (read your writes), and another
 * instance sees it as soon as its reader has read it.
 *
 * <pre>{@code
 * try (SchemaRegistryServer registry =
 *     SchemaRegistryServer.start(RegistryServerConfig.builder("127.0.0.1:9092").port(0).build())) {
 *   var client = new RegistryClient(RegistryClientConfig.of(registry.url()));
 * }
 * }</pre>
 */
public final class SchemaRegistryServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SchemaRegistryServer.class);

  private final RegistryServerConfig config;
  private final KafkaSchemaRegistry registry;
  private final Vertx vertx;
  private final HttpServer http;
  private final int port;
  private boolean closed;

  private SchemaRegistryServer(
      RegistryServerConfig config, KafkaSchemaRegistry registry, Vertx vertx, HttpServer http) {
    this.config = config;
    this.registry = registry;
    this.vertx = vertx;
    this.http = http;
    this.port = http.actualPort();
  }

  /**
   * Reads the storage topic (creating it if absent), then listens.
   *
   * @throws IllegalStateException when Kafka cannot be reached in time, the topic is unfit (more
   *     than one partition, not compacted) or the port is taken
   */
  public static SchemaRegistryServer start(RegistryServerConfig config) {
    ConfigChecks.check(config);
    long started = System.nanoTime();
    KafkaSchemaRegistry registry = KafkaSchemaRegistry.open(config);
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer http =
          await(
              vertx
                  .createHttpServer(
                      new HttpServerOptions().setHost(config.host()).setPort(config.port()))
                  .requestHandler(RegistryRoutes.router(vertx, registry))
                  .listen(),
              config,
              "listening on " + config.host() + ":" + config.port());
      SchemaRegistryServer server = new SchemaRegistryServer(config, registry, vertx, http);
      log.info(
          "Schema registry listening on {} (storage topic {} on {}), ready in {} ms",
          server.url(),
          config.topic(),
          config.bootstrapServers(),
          (System.nanoTime() - started) / 1_000_000);
      return server;
    } catch (RuntimeException e) {
      await(vertx.close(), config, "stopping Vert.x");
      registry.close();
      throw e;
    }
  }

  /** The port the server listens on (the chosen one when configured with 0). */
  public int port() {
    return port;
  }

  /** The base URL clients use, e.g. {@code http://127.0.0.1:8081}. */
  public String url() {
    String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return "http://" + host + ":" + port();
  }

  /** The storage topic. */
  public String topic() {
    return config.topic();
  }

  /** The registry itself, for callers in the same JVM that need no HTTP. */
  public SchemaRegistry registry() {
    return registry;
  }

  /** Stops listening, then stops reading and writing the topic. Calling it again does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      await(http.close(), config, "closing the HTTP server");
      await(vertx.close(), config, "stopping Vert.x");
    } finally {
      registry.close();
      log.info("Schema registry on {} stopped", url());
    }
  }

  private static <T> T await(Future<T> future, RegistryServerConfig config, String what) {
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "schema registry: " + what + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("schema registry: " + what + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("schema registry: interrupted while " + what, e);
    }
  }
}
