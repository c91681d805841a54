package dev.offload.bench.internal;

import dev.offload.connectors.ConnectorConfig;
import dev.offload.connectors.OutboxConnector;
import dev.offload.embedded.EmbeddedKafka;
import dev.offload.embedded.EmbeddedPostgres;
import dev.offload.producers.ApiConfig;
import dev.offload.producers.IngestApi;
import dev.offload.schemas.outbox.OutboxMode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.Map;
import java.util.stream.Stream;

/** The path under test, on fresh embedded servers in a temporary directory deleted on close. */
public final class BenchStack implements AutoCloseable {
  private static final String DATABASE = "bench";

  private final Deque<AutoCloseable> running = new ArrayDeque<>();
  private final Path root;
  private EmbeddedPostgres postgres;
  private EmbeddedKafka kafka;
  private IngestApi api;

  private BenchStack(Path root) {
    this.root = root;
  }

  /** Starts PostgreSQL, Kafka, the ingest API and the outbox connector. */
  public static BenchStack start() {
    return start(true, OutboxMode.TABLE);
  }

  /**
   * Starts PostgreSQL and the ingest API only, the API writing in {@code mode}: the write path,
   * without Kafka and capture.
   */
  public static BenchStack startIngestOnly(OutboxMode mode) {
    return start(false, mode);
  }

  private static BenchStack start(boolean withCapture, OutboxMode mode) {
    try {
      BenchStack stack = new BenchStack(Files.createTempDirectory("offload-bench-"));
      try {
        stack.startAll(withCapture, mode);
        return stack;
      } catch (RuntimeException e) {
        stack.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startAll(boolean withCapture, OutboxMode mode) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    postgres = started(EmbeddedPostgres.start(root.resolve("postgres"), 0));
    postgres.createDatabaseIfAbsent(DATABASE);
    ApiConfig apiConfig =
        ApiConfig.of(postgres.jdbcUrl(DATABASE), EmbeddedPostgres.USER, "")
            .with(
                Map.of(
                    // The benchmark measures the API's ceiling, not the per-app rate limit.
                    "rate-limit.events-per-second", "0", "outbox.mode", mode.configName()));
    api = started(IngestApi.start(apiConfig, registry, Map.of()));
    if (!withCapture) {
      return;
    }
    kafka = started(EmbeddedKafka.start(root.resolve("kafka"), 0, Map.of()));
    started(
        OutboxConnector.start(
            ConnectorConfig.of(
                kafka.bootstrapServers(),
                postgres.host(),
                postgres.port(),
                DATABASE,
                EmbeddedPostgres.USER,
                "",
                root.resolve("connector-offsets.dat")),
            registry));
  }

  private <T extends AutoCloseable> T started(T part) {
    running.push(part);
    return part;
  }

  /** Base URL of the ingest API. */
  public String apiUrl() {
    return api.baseUrl();
  }

  /** Kafka bootstrap servers. */
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** JDBC URL of the benchmark database. */
  public String jdbcUrl() {
    return postgres.jdbcUrl(DATABASE);
  }

  /** Stops everything and deletes the data. */
  @Override
  public void close() {
    while (!running.isEmpty()) {
      try {
        running.pop().close();
      } catch (Exception e) {
        throw new IllegalStateException("stopping the benchmark stack failed", e);
      }
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
