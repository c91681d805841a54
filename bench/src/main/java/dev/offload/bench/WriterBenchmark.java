package dev.offload.bench;

import dev.offload.bench.internal.BenchStack;
import dev.offload.bench.internal.Latencies;
import dev.offload.bench.internal.Progress;
import dev.offload.bench.internal.TopicCounter;
import dev.offload.bench.internal.WriterLoad;
import dev.offload.embedded.EmbeddedPostgres;
import dev.offload.producers.OutboxWriter;
import dev.offload.schemas.Topics;
import dev.offload.schemas.config.ConfigChecks;
import dev.offload.schemas.outbox.OutboxMigrations;
import dev.offload.schemas.outbox.OutboxMode;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * The OutboxWriter benchmark: the same events committed, one per transaction, by {@code
 * OutboxWriter} in table mode (INSERT + DELETE of an outbox row), in message mode (one
 * transactional logical decoding message) and, as the baseline, by a raw JDBC {@code INSERT} of the
 * same payload bytes into a plain table, each followed by {@code COMMIT}. Same concurrency, same
 * PostgreSQL, in one run, with the outbox connector capturing throughout; each outbox phase then
 * counts its events on Kafka.
 */
public final class WriterBenchmark {
  private static final Schema SCHEMA =
      SchemaBuilder.record("BenchEvent")
          .namespace("dev.offload.bench")
          .fields()
          .requiredLong("seq")
          .requiredString("pad")
          .endRecord();

  private final BenchConfig config;
  private final PrintStream out;

  /** A benchmark with {@code config} ({@code keys} spreads the events) printing progress to out. */
  public WriterBenchmark(BenchConfig config, PrintStream out) {
    this.config = ConfigChecks.check(config);
    this.out = out;
  }

  /** Starts the servers, runs the three phases, stops the servers and returns the figures. */
  public WriterReport run() throws Exception {
    out.println("starting PostgreSQL, Kafka and the connector...");
    try (BenchStack stack = BenchStack.start()) {
      return run(stack);
    }
  }

  private WriterReport run(BenchStack stack) throws Exception {
    String url = stack.jdbcUrl();
    String user = EmbeddedPostgres.USER;
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    String pad = "x".repeat(Math.max(1, config.payloadBytes() - 12));
    try (Connection c = DriverManager.getConnection(url, user, "");
        Statement s = c.createStatement()) {
      OutboxMigrations.migrate(c);
      s.execute("CREATE TABLE IF NOT EXISTS bench_writer_raw (id uuid PRIMARY KEY, payload bytea)");
    }
    byte[] rawPayload = new byte[config.payloadBytes()];
    List<WriterReport.Row> rows = new ArrayList<>();
    rows.add(
        phase(
            stack,
            "raw INSERT + COMMIT",
            null,
            (c, seq) -> {
              try (PreparedStatement insert =
                  c.prepareStatement("INSERT INTO bench_writer_raw VALUES (?, ?)")) {
                insert.setObject(1, UUID.randomUUID());
                insert.setBytes(2, rawPayload);
                insert.executeUpdate();
              }
            }));
    for (OutboxMode mode : OutboxMode.values()) {
      String type = "bench-writer-" + mode.configName();
      registry.register(Topics.events(type) + "-value", SCHEMA);
      OutboxWriter writer =
          OutboxWriter.builder()
              .registry(registry)
              .producer("bench")
              .mode(mode)
              .meterRegistry(new SimpleMeterRegistry())
              .build();
      rows.add(
          phase(
              stack,
              "OutboxWriter " + mode.configName() + " + COMMIT",
              type,
              (c, seq) ->
                  writer.publish(
                      c, type, "key-" + (seq % config.keys()), Map.of("seq", seq, "pad", pad))));
    }
    String title =
        String.format(
            "offload bench writer: %,d transactions of one event (+%,d warm-up), %d connections,"
                + " ~%d-byte payload",
            config.events(), config.warmupEvents(), config.concurrency(), config.payloadBytes());
    return new WriterReport(title, List.copyOf(rows));
  }

  private WriterReport.Row phase(
      BenchStack stack, String name, String type, WriterLoad.Transaction transaction)
      throws Exception {
    String url = stack.jdbcUrl();
    int warmup = config.warmupEvents();
    int n = config.events();
    WriterLoad.run(
        url,
        EmbeddedPostgres.USER,
        0,
        warmup,
        config.concurrency(),
        transaction,
        new Latencies(),
        new Progress(out, name + " warm-up", warmup));
    Latencies latencies = new Latencies();
    long start = System.nanoTime();
    long nanos =
        WriterLoad.run(
            url,
            EmbeddedPostgres.USER,
            warmup,
            warmup + n,
            config.concurrency(),
            transaction,
            latencies,
            new Progress(out, name, n));
    long delivered = -1;
    double onKafkaRate = Double.NaN;
    if (type != null) {
      TopicCounter.Count count =
          TopicCounter.await(
              stack.bootstrapServers(), Topics.events(type), warmup + n, Duration.ofMinutes(5));
      delivered = Math.max(0, count.records() - warmup);
      onKafkaRate = n / ((count.lastReadNanoTime() - start) / 1e9);
      out.printf("%s: %,d of %,d events on Kafka%n", name, delivered, n);
    }
    return new WriterReport.Row(
        name,
        n / (nanos / 1e9),
        latencies.millisAt(50),
        latencies.millisAt(99),
        latencies.millisAt(99.9),
        onKafkaRate,
        delivered,
        n);
  }
}
