package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.embedded.registry.RegistryServerConfig;
import dev.offload.embedded.registry.SchemaRegistryServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code offload api} killed with SIGKILL under load and started again, with clients that send
 * every event under an {@code Idempotency-Key} and retry it until answered {@code 202}, as the
 * README tells apps to: every event answered 202 is in the outbox stream (read through a logical
 * replication slot made before the load), and each key's event is there exactly once, even for
 * requests the dying API had committed but not answered.
 */
@ExtendWith(SharedInfrastructure.class)
class ApiKillIT {
  private static final Logger log = LoggerFactory.getLogger(ApiKillIT.class);
  private static final int CLIENTS = 4;
  private static final int BEFORE = 150;
  private static final int AFTER = 150;

  @TempDir Path dir;

  private record Accepted(String key, String eventId, boolean replayed) {}

  @Test
  void everyAcceptedEventIsInTheOutboxOnceAfterTheApiIsKilled(Infrastructure infra)
      throws Exception {
    String database = TestNames.database("api_kill");
    String jdbcUrl = infra.createDatabase(database);
    String slot = database + "_slot";
    int port = Ports.freePort();
    String url = "http://127.0.0.1:" + port + "/v1/events/page-viewed";
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    AtomicBoolean stop = new AtomicBoolean();
    Map<String, Accepted> accepted = new ConcurrentHashMap<>();
    AtomicInteger failedAttempts = new AtomicInteger();
    try (SchemaRegistryServer registry =
            SchemaRegistryServer.start(
                RegistryServerConfig.builder(infra.bootstrapServers())
                    .port(Ports.freePort())
                    .topic(TestNames.topic("api-kill-schemas"))
                    .build());
        Connection db =
            DriverManager.getConnection(jdbcUrl, infra.postgresUser(), infra.postgresPassword())) {
      try (PreparedStatement create =
          db.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'test_decoding')")) {
        create.setString(1, slot);
        create.execute();
      }
      Path config = dir.resolve("api.yaml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "http: {host: 127.0.0.1, port: " + port + "}",
              "database: {jdbc-url: \"" + jdbcUrl + "\", user: " + infra.postgresUser() + "}",
              "registry: {url: \"" + registry.url() + "\"}",
              "auth: {required: false}"));
      Process api = startApi(config, infra, "first");
      try {
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          int client = c;
          running.add(
              clients.submit(
                  () -> {
                    HttpClient http = HttpClient.newHttpClient();
                    for (int n = 0; !stop.get(); n++) {
                      String key = "client-" + client + "-" + n;
                      accepted.put(key, publish(http, url, key, failedAttempts));
                    }
                    return null;
                  }));
        }
        awaitAccepted(accepted, BEFORE, running);
        api.destroyForcibly().waitFor();
        int acceptedWhenKilled = accepted.size();
        api = startApi(config, infra, "second");
        awaitAccepted(accepted, acceptedWhenKilled + AFTER, running);
        stop.set(true);
        for (Future<?> client : running) {
          client.get(60, TimeUnit.SECONDS);
        }
        log.info(
            "API killed after {} events answered 202; {} in all, {} of them replayed, {} attempts"
                + " without a 202",
            acceptedWhenKilled,
            accepted.size(),
            accepted.values().stream().filter(Accepted::replayed).count(),
            failedAttempts.get());
      } finally {
        stop.set(true);
        api.destroy();
        if (!api.waitFor(30, TimeUnit.SECONDS)) {
          api.destroyForcibly();
        }
      }

      List<String> inserted = insertedIds(db, slot);
      Map<String, Long> times =
          inserted.stream()
              .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
      assertThat(inserted).as("events in the outbox stream").isNotEmpty();
      assertThat(times.keySet())
          .as("every event answered 202 is in the outbox stream")
          .containsAll(accepted.values().stream().map(Accepted::eventId).toList());
      assertThat(times.values()).as("no event written twice").allMatch(n -> n == 1);
      assertThat(inserted)
          .as("one event per key: a retried key that the dead API had committed is not repeated")
          .hasSize(accepted.size());
    } finally {
      stop.set(true);
      clients.shutdownNow();
      dropSlot(infra, jdbcUrl, slot);
    }
  }

  /** Waits for {@code count} keys answered 202; a client that stopped fails the test with why. */
  private static void awaitAccepted(
      Map<String, Accepted> accepted, int count, List<Future<?>> running) throws Exception {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> accepted.size() >= count || running.stream().anyMatch(Future::isDone));
    for (Future<?> client : running) {
      if (client.isDone()) {
        client.get(); // throws the client's failure
      }
    }
  }

  /**
   * Sends one event under {@code key} until it is answered 202: a refused connection, a cut one or
   * a 503 is retried after 50 ms with the same key.
   */
  private static Accepted publish(
      HttpClient http, String url, String key, AtomicInteger failedAttempts) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"key\":\""
                        + key
                        + "\",\"data\":{\"userId\":\""
                        + key
                        + "\",\"path\":\"/kill\",\"durationMs\":1}}"))
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 202) {
          return new Accepted(
              key,
              new JsonObject(response.body()).getString("eventId"),
              response.headers().firstValue("Idempotent-Replayed").isPresent());
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
      } catch (java.io.IOException e) {
        // the API is down or was cut off mid-request
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      failedAttempts.incrementAndGet();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("no 202 for " + key + " within 120 s");
  }

  private Process startApi(Path config, Infrastructure infra, String name) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            Offload.class.getName(),
            "api",
            "--config",
            config.toString());
    if (infra.postgresPassword() != null) {
      pb.environment().put("OFFLOAD_DATABASE_PASSWORD", infra.postgresPassword());
    }
    Path log =
        Files.createDirectories(Path.of("target", "it-logs")).resolve("api-kill-" + name + ".log");
    return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static List<String> insertedIds(Connection db, String slot) throws Exception {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement get =
        db.prepareStatement("SELECT data FROM pg_logical_slot_get_changes(?, NULL, NULL)")) {
      get.setString(1, slot);
      try (ResultSet rs = get.executeQuery()) {
        while (rs.next()) {
          String change = rs.getString(1);
          int at = change.indexOf("id[uuid]:'");
          if (change.startsWith("table public.offload_outbox: INSERT:") && at >= 0) {
            ids.add(change.substring(at + 10, at + 46));
          }
        }
      }
    }
    return ids;
  }

  private static void dropSlot(Infrastructure infra, String jdbcUrl, String slot) {
    try (Connection db =
            DriverManager.getConnection(jdbcUrl, infra.postgresUser(), infra.postgresPassword());
        PreparedStatement drop =
            db.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = ?")) {
      drop.setString(1, slot);
      drop.execute();
    } catch (Exception e) {
      log.warn("Could not drop slot {}: {}", slot, e.toString());
    }
  }
}
