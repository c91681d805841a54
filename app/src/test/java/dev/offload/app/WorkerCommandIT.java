package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.handlers.analytics.PageAnalytics;
import dev.offload.consumers.handlers.analytics.PageCount;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.embedded.registry.RegistryServerConfig;
import dev.offload.embedded.registry.SchemaRegistryServer;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.events.PageViewed;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import dev.offload.schemas.serde.AvroSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@code offload worker --handler analytics} as its own process, configured by a YAML file and the
 * environment: it counts each page view of its work topic once and serves its metrics.
 */
@ExtendWith(SharedInfrastructure.class)
class WorkerCommandIT {
  @TempDir Path dir;

  @Test
  void theAnalyticsRoleCountsEachViewOnceFromItsConfigFile(Infrastructure infra) throws Exception {
    String jdbcUrl = infra.createDatabase(TestNames.database("worker-role"));
    String topic = TestNames.topic("work-analytics");
    String group = TestNames.group("worker-role");
    int metricsPort = Ports.freePort();
    try (SchemaRegistryServer registry =
        SchemaRegistryServer.start(
            RegistryServerConfig.builder(infra.bootstrapServers())
                .port(Ports.freePort())
                .topic(TestNames.topic("worker-role-schemas"))
                .build())) {
      Path config = dir.resolve("worker.yaml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "registry-url: " + registry.url(),
              "group: " + group,
              "topic: " + topic,
              "concurrency: 8",
              "database: {jdbc-url: \"" + jdbcUrl + "\", user: " + infra.postgresUser() + "}",
              "rate-limits: {per-key: {permits: 100, period: 1s}}"));
      ProcessBuilder pb =
          new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-cp",
              System.getProperty("java.class.path"),
              Offload.class.getName(),
              "worker",
              "--handler",
              "analytics",
              "--config",
              config.toString(),
              "--metrics-port",
              Integer.toString(metricsPort));
      pb.environment().put("OFFLOAD_KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
      if (infra.postgresPassword() != null) {
        pb.environment().put("OFFLOAD_DATABASE_PASSWORD", infra.postgresPassword());
      }
      Path log =
          Files.createDirectories(Path.of("target", "it-logs")).resolve(group + "-worker.log");
      Process worker = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        produceViews(infra.bootstrapServers(), registry.url(), topic);
        PGSimpleDataSource db = new PGSimpleDataSource();
        db.setUrl(jdbcUrl);
        db.setUser(infra.postgresUser());
        db.setPassword(infra.postgresPassword());
        await()
            .atMost(Duration.ofSeconds(120))
            .failFast("the worker exited", () -> !worker.isAlive())
            .untilAsserted(
                () ->
                    assertThat(total(db))
                        .containsEntry("/pricing", 2L)
                        .containsEntry("/docs", 1L)
                        .hasSize(2));
        String metrics =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + metricsPort + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics)
            .contains("offload_worker_handled_total")
            .contains("group=\"" + group + "\"");
        assertThat(Files.readString(log)).contains("worker analytics running in group " + group);
      } finally {
        worker.destroy();
        if (!worker.waitFor(60, TimeUnit.SECONDS)) {
          worker.destroyForcibly();
        }
      }
    }
  }

  private static Map<String, Long> total(PGSimpleDataSource db) throws Exception {
    Instant now = Instant.now();
    Map<String, Long> counts = new java.util.HashMap<>();
    for (PageCount c : PageAnalytics.open(db).counts(now.minusSeconds(3600), now.plusSeconds(60))) {
      counts.merge(c.path(), c.views(), Long::sum);
    }
    return counts;
  }

  private static void produceViews(String bootstrap, String registryUrl, String topic)
      throws Exception {
    AvroSerializer<PageViewed> avro =
        new AvroSerializer<>(new RegistryClient(RegistryClientConfig.of(registryUrl)));
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      List<String[]> views =
          List.of(
              new String[] {"e1", "/pricing"},
              new String[] {"e2", "/pricing"},
              new String[] {"e3", "/docs"},
              new String[] {"e1", "/pricing"}); // a redelivery of e1
      for (String[] v : views) {
        var record =
            new ProducerRecord<>(
                topic,
                "user-1".getBytes(StandardCharsets.UTF_8),
                avro.serialize(topic, new PageViewed("1", v[1], null, 10L)));
        record.headers().add(OffloadHeaders.EVENT_ID, v[0].getBytes(StandardCharsets.UTF_8));
        record
            .headers()
            .add(OffloadHeaders.EVENT_TYPE, "page-viewed".getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
      }
    }
  }
}
