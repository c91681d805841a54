package dev.offload.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.Ledger;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.netcrusher.core.reactor.NioReactor;
import org.netcrusher.tcp.TcpCrusher;
import org.netcrusher.tcp.TcpCrusherBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network between the API and PostgreSQL frozen for 30 s under load: a TCP proxy in front of
 * the database, which every pooled connection of the API goes through, stops passing bytes either
 * way while the connections stay open. Four clients send events, each under an {@code
 * Idempotency-Key} of its own, and send an event again with the same key until it is answered
 * {@code 202}. Every request during the freeze is answered, {@code 503} with {@code Retry-After}
 * (the breaker's {@code database-unavailable}, or {@code timeout} for a write whose outcome the API
 * cannot know yet); after the thaw the same API accepts again by itself, and the outbox stream
 * (read through a logical slot, straight from PostgreSQL) holds every event answered {@code 202}
 * once, in key order, and nothing that was never answered {@code 202}.
 */
@ExtendWith(SharedInfrastructure.class)
class ApiNetworkFreezeIT {
  private static final Logger log = LoggerFactory.getLogger(ApiNetworkFreezeIT.class);
  private static final int CLIENTS = 4;
  private static final int ACCEPTED_BEFORE = 100;
  private static final int ACCEPTED_AFTER = 100;
  private static final Duration FROZEN = Duration.ofSeconds(30);

  /** Longer than the freeze: a request still unanswered then is one the API left hanging. */
  private static final Duration HANG = Duration.ofSeconds(60);

  private static final Pattern ID = Pattern.compile("id\\[uuid\\]:'([0-9a-f-]{36})'");
  private static final Pattern KEY = Pattern.compile("aggregateid\\[[^\\]]*\\]:'([^']*)'");

  private record Answer(int status, String error, String retryAfter, boolean duringFreeze) {}

  @Test
  void requestsAreAnsweredDuringTheFreezeAndEvery202IsInTheOutboxOnce(Infrastructure infra)
      throws Exception {
    String database = TestNames.database("api_freeze");
    infra.createDatabase(database);
    Ledger ledger = new Ledger();
    ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> hung = new ConcurrentLinkedQueue<>();
    AtomicBoolean frozen = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try (NioReactor reactor = new NioReactor();
        TcpCrusher proxy =
            TcpCrusherBuilder.builder()
                .withReactor(reactor)
                .withBindAddress("127.0.0.1", Ports.freePort())
                .withConnectAddress(infra.postgresHost(), infra.postgresPort())
                .buildAndOpen()) {
      ApiConfig config =
          ApiConfig.of(
                  "jdbc:postgresql://127.0.0.1:"
                      + proxy.getBindAddress().getPort()
                      + "/"
                      + database,
                  infra.postgresUser(),
                  infra.postgresPassword())
              .with(Map.of("rate-limit.events-per-second", "0", "outbox.require-capture", "true"));
      PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (IngestApi api = IngestApi.start(config, meters, Map.of());
          OutboxSlot slot = OutboxSlot.create(infra, database)) {
        String url = api.baseUrl() + "/v1/events/" + TestNames.eventType("api-freeze");
        HttpClient http =
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          String client = "client-" + c;
          running.add(
              clients.submit(
                  () -> {
                    for (int n = 0; !stop.get(); n++) {
                      publishUntilAccepted(
                          http, url, client, client + "-" + n, ledger, answers, hung, frozen);
                    }
                    return null;
                  }));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> ledger.size() >= ACCEPTED_BEFORE);

        proxy.freeze();
        frozen.set(true);
        int acceptedWhenFrozen = ledger.size();
        Thread.sleep(FROZEN.toMillis());
        int acceptedAtThaw = ledger.size();
        frozen.set(false);
        proxy.unfreeze();
        long thawed = System.nanoTime();
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> ledger.size() >= acceptedAtThaw + ACCEPTED_AFTER);
        long acceptingAgain = System.nanoTime();
        stop.set(true);
        for (Future<?> client : running) {
          client.get(HANG.toSeconds() * 2, TimeUnit.SECONDS);
        }

        List<Ledger.Output> outbox = new ArrayList<>();
        for (String insert : slot.inserts()) {
          outbox.add(new Ledger.Output(group(ID, insert), group(KEY, insert), "outbox", 0, 0));
        }
        for (int i = 0; i < outbox.size(); i++) {
          Ledger.Output o = outbox.get(i);
          outbox.set(i, new Ledger.Output(o.id(), o.key(), o.topic(), 0, i)); // WAL order
        }
        Ledger.Report report = ledger.judge(outbox);
        List<Answer> duringFreeze = answers.stream().filter(Answer::duringFreeze).toList();
        Map<String, Long> refused = new TreeMap<>();
        answers.stream()
            .filter(a -> a.status() != 202)
            .forEach(a -> refused.merge(a.status() + " " + a.error(), 1L, Long::sum));
        log.info(
            "Network to PostgreSQL frozen {} s under {} clients: {} accepted before it, {} during"
                + " it; {} requests sent during it, all answered; refusals: {}; {} more accepted"
                + " within {} ms after the thaw; outbox: {}",
            FROZEN.toSeconds(),
            CLIENTS,
            acceptedWhenFrozen,
            acceptedAtThaw - acceptedWhenFrozen,
            duringFreeze.size(),
            refused,
            ledger.size() - acceptedAtThaw,
            (acceptingAgain - thawed) / 1_000_000,
            report);
        assertThat(hung).as("requests left unanswered for %s", HANG).isEmpty();
        assertThat(duringFreeze).as("requests sent during the freeze").isNotEmpty();
        assertThat(answers)
            .allSatisfy(
                a -> {
                  assertThat(a.status()).as("status").isIn(202, 503);
                  if (a.status() == 503) {
                    assertThat(a.retryAfter()).as("Retry-After of a 503").isNotNull();
                  }
                });
        assertThat(report.lost()).as("events answered 202, not in the outbox").isEmpty();
        assertThat(report.duplicated()).as("events in the outbox twice").isEmpty();
        assertThat(report.outOfOrder()).as("events out of key order").isEmpty();
        assertThat(report.unexpected()).as("events in the outbox never answered 202").isEmpty();
      }
    } finally {
      stop.set(true);
      clients.shutdownNow();
    }
  }

  /**
   * Sends one event under {@code idempotencyKey} until it is answered {@code 202}, waiting 100 ms
   * after a {@code 503} or a request cut without an answer; also once the test stops, so that an
   * event written although its first answer was {@code 503 timeout} is answered {@code 202} too.
   */
  private static void publishUntilAccepted(
      HttpClient http,
      String url,
      String key,
      String idempotencyKey,
      Ledger ledger,
      ConcurrentLinkedQueue<Answer> answers,
      ConcurrentLinkedQueue<String> hung,
      AtomicBoolean frozen)
      throws InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(HANG)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", idempotencyKey)
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"key\":\"" + key + "\",\"data\":{\"n\":\"" + idempotencyKey + "\"}}"))
            .build();
    while (true) {
      boolean sentDuringFreeze = frozen.get();
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonObject body = new JsonObject(response.body());
        answers.add(
            new Answer(
                response.statusCode(),
                body.getString("error"),
                response.headers().firstValue("Retry-After").orElse(null),
                sentDuringFreeze));
        if (response.statusCode() == 202) {
          ledger.accepted(body.getString("eventId"), key);
          return;
        }
      } catch (HttpTimeoutException e) {
        hung.add(idempotencyKey);
        return;
      } catch (IOException e) {
        log.debug("Sending {} again after {}", idempotencyKey, e.toString());
      }
      Thread.sleep(100);
    }
  }

  private static String group(Pattern pattern, String insert) {
    Matcher m = pattern.matcher(insert);
    if (!m.find()) {
      throw new AssertionError(pattern + " not in: " + insert);
    }
    return m.group(1);
  }
}
