package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Ports;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import dev.offload.schemas.serde.AvroDeserializer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's path, as a user runs it: {@code ./offload dev} as a child process, an event
 * published with HTTP, seen decoded with {@code ./offload tail}, the schemas listed with {@code
 * ./offload schemas list}; then a stop and a start on the same data directory, and another event.
 * The values on Kafka are Avro in the Confluent wire format. Last, {@code ./offload dev --demo} and
 * {@code ./offload demo} beside it: every kind of effect and a dead letter, then both stop.
 */
class OffloadDevIT {
  private static final Path CHECKOUT = Path.of("..").toAbsolutePath().normalize();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern EVENT_ID =
      Pattern.compile("\"eventId\"\\s*:\\s*\"([0-9a-f-]{36})\"");

  @TempDir Path dataDir;
  @TempDir Path demoDataDir;
  private final List<Process> started = new ArrayList<>();
  private final int apiPort = Ports.freePort();
  private final int kafkaPort = Ports.freePort();
  private final int registryPort = Ports.freePort();
  private final int analyticsPort = Ports.freePort();
  private final int opsPort = Ports.freePort();
  private final int workersPort = Ports.freePort();
  private final int smtpPort = Ports.freePort();

  @AfterEach
  void stopChildren() throws InterruptedException {
    for (Process p : started) {
      p.destroy();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void devPublishTailStopStartPublishAgain() throws Exception {
    String type = "user-signed-up";
    String topic = "offload.events." + type;
    // The launcher archives the classes of the first `offload dev` of a build that gets ready, for
    // every later start. `offload dev --help`, which the README names, must not be that run: its
    // archive would hold the classes of a help text, and every later start would load the rest.
    Path archive = CHECKOUT.resolve("app/target/offload.jsa");
    FileTime archivedBefore = Files.exists(archive) ? Files.getLastModifiedTime(archive) : null;
    assertThat(run("dev", "--help")).contains("--data-dir");
    assertThat(Files.exists(archive) ? Files.getLastModifiedTime(archive) : null)
        .as("the class archive after offload dev --help")
        .isEqualTo(archivedBefore);

    Process dev = startDev("first");
    String first =
        publish(
            type, "user-1", "{\"userId\":\"1\",\"email\":\"ada@example.com\",\"name\":\"Ada\"}");
    HttpResponse<String> invalid =
        post("/v1/events/" + type, "{\"key\":\"user-2\",\"data\":{\"userId\":\"2\",\"email\":5}}");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(invalid.body()).contains("data.email").contains("data.name");
    appsKeysBatchesAndDocs();
    await()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () ->
                assertThat(
                        get("http://127.0.0.1:"
                                + analyticsPort
                                + "/v1/analytics/counts?type="
                                + type
                                + "&window=1m")
                            .body())
                    .containsPattern("\"total\"\\s*:\\s*1\\b"));

    Process tail =
        command(
                "tail",
                topic,
                "--from-beginning",
                "--bootstrap-server",
                bootstrap(),
                "--max-messages",
                "1",
                "--timeout",
                "60s",
                "--registry-url",
                registryUrl())
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .redirectError(log("tail").toFile())
            .start();
    started.add(tail);
    String printed = new String(tail.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(tail.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(tail.exitValue()).isZero();
    assertThat(printed)
        .contains(topic)
        .contains("key      user-1")
        .contains(OffloadHeaders.EVENT_ID + "=" + first)
        // the Avro value, decoded with the registry
        .contains("value    {\"userId\": \"1\", \"email\": \"ada@example.com\", \"name\": \"Ada\"")
        .doesNotContain("<avro");
    assertThat(run("schemas", "list", "--registry-url", registryUrl()))
        .containsPattern("offload\\.events\\.user-signed-up-value\\s+user-signed-up\\s+1\\s+\\d+")
        .contains("offload.events.page-viewed-value");

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(run("lag", "--group", "offload-event-log", "--json", "-b", bootstrap()))
                    .contains("offload-event-log")
                    .contains(topic));
    assertThat(run("lag", "-b", bootstrap())).contains("offload-event-log").contains("STATUS");
    assertHandlerWorkersActOnEvents(first);
    // `offload trace`: the sign-up's journey, from the API's request to its mail's attempt.
    String journey = run("trace", first, "--ops-url", "http://127.0.0.1:" + opsPort);
    System.out.println("offload trace " + first + ":\n" + journey);
    assertThat(journey)
        .contains("POST /v1/events/{type}  202")
        .contains("outbox write")
        .contains("outbox capture  offload.events.user-signed-up[")
        .contains("router route")
        .contains("offload-worker-email queue")
        .contains("offload-worker-email process  offload.work.email[")
        .contains("smtp send")
        .doesNotContain("FAILED");
    assertThat(journey)
        .as("the stages in the order they came")
        .containsSubsequence(
            "POST /v1/events/{type}",
            "outbox capture",
            "router route",
            "offload-worker-email queue",
            "offload-worker-email process",
            "smtp send");
    // Asked for OpenMetrics, /metrics names beside latency buckets the traces of their samples.
    String openMetrics =
        HTTP.send(
                HttpRequest.newBuilder(URI.create(api("/metrics")))
                    .header("Accept", "application/openmetrics-text; version=1.0.0")
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(openMetrics)
        .containsPattern(
            "offload_api_requests_seconds_bucket\\{[^}]*\\} \\S+ # \\{[^}]*trace_id=\"[0-9a-f]{32}\"")
        .containsPattern(
            "offload_worker_handler_latency_seconds_bucket\\{[^}]*\\} \\S+ # \\{[^}]*trace_id=\"[0-9a-f]{32}\"")
        .endsWith("# EOF\n");
    assertThat(run("trace", "--ops-url", "http://127.0.0.1:" + opsPort))
        .as("the README's offload trace with no id: the slowest events")
        .contains("EVENTS (offload trace <id> for one)")
        .containsPattern("\\d+\\.\\d ms +\\S+Z +[0-9a-f-]{36}");
    assertThat(run("trace", "--limit", "1000", "--ops-url", "http://127.0.0.1:" + opsPort))
        .as("the slowest events kept")
        .contains(first);
    assertThat(get("http://127.0.0.1:" + opsPort + "/dashboard").statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(get("http://127.0.0.1:" + opsPort + "/api/roles").body())
                    .as("the dashboard's badges name the roles")
                    .contains("\"name\":\"api\"")
                    .contains("\"name\":\"connector\"")
                    .contains("\"name\":\"handlers\"")
                    .doesNotContain("\"name\":\"started\""));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(get("http://127.0.0.1:" + opsPort + "/api/lag").body())
                    .contains("offload-event-log"));

    stop(dev);
    if (archivedBefore == null) {
      assertThat(archive).as("the class archive of the first run that got ready").isNotEmptyFile();
      System.out.println("class archive recorded: " + Files.size(archive) + " bytes");
    }
    Path secondLog = log("dev-second");
    Process restarted = startDev("second", secondLog, dataDir);
    String second =
        publish(
            type,
            "user-1",
            "{\"userId\":\"1\",\"email\":\"grace@example.com\",\"name\":\"Grace\"}");

    List<ConsumerRecord<String, byte[]>> events = readEvents(topic, 2);
    List<String> ids = events.stream().map(OffloadDevIT::eventId).toList();
    System.out.println("event ids on " + topic + " after restart: " + ids);
    // A clean stop flushes the connector's offsets: nothing is captured twice.
    assertThat(ids).containsExactly(first, second);
    assertValuesAreRegisteredAvro(topic, events);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(get("/metrics").body())
                    .containsPattern(
                        "offload_worker_events_total\\{[^}]*type=\"" + type + "\"[^}]*\\} 1\\.0"));
    // The stores Kafka Streams wipes and restores after a restart are not reported as corrupted.
    assertThat(Files.readString(secondLog))
        .doesNotContain("did not find checkpoint offsets")
        .doesNotContain("TaskCorruptedException");
    stop(restarted);

    demoWithTheStackAndBesideIt();
  }

  /**
   * The README's {@code ./offload dev --demo} and {@code ./offload demo}: sign-ups are mailed (as
   * readable text), documents indexed, views counted, the invalid event dead-lettered by the email
   * worker; a line of counts every 10 s; Ctrl-C stops the standalone demo, and the dev demo stops
   * with the stack, each printing its totals.
   */
  private void demoWithTheStackAndBesideIt() throws Exception {
    // Ctrl-C during a start stops what had started: the next start finds no server of it still
    // running (a PostgreSQL left behind is stopped with a warning naming it).
    Path interruptedOutput = log("dev-interrupted");
    Process interrupted =
        command(devArgs(demoDataDir).toArray(String[]::new))
            .redirectErrorStream(true)
            .redirectOutput(interruptedOutput.toFile())
            .start();
    started.add(interrupted);
    // Ctrl-C once the start is under way: PostgreSQL's data directory exists.
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .failFast("offload dev exited", () -> !interrupted.isAlive())
        .until(() -> Files.isDirectory(demoDataDir.resolve("postgres")));
    stop(interrupted);
    assertThat(Files.readString(interruptedOutput))
        .as("what offload dev says when Ctrl-C comes during its start (or just after it)")
        .containsPattern("Stopped (during the start, )?in [0-9.]+ s")
        .doesNotContain("Exception");
    Path devOutput = log("dev-demo");
    Process dev = startDev("demo", devOutput, demoDataDir, "--demo", "--demo-rate", "20");
    assertThat(Files.readString(devOutput))
        .as("the start after an interrupted one")
        .doesNotContain("was not stopped");
    Path demoOutput = log("demo");
    Process demo =
        command("demo", "--api-url", api(""), "--rate", "20")
            .redirectErrorStream(true)
            .redirectOutput(demoOutput.toFile())
            .start();
    started.add(demo);
    String workers = "http://127.0.0.1:" + workersPort;
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(get("http://127.0.0.1:" + opsPort + "/api/dead-letters").body())
                    .contains("offload.dlq.offload-worker-email")
                    .contains("IllegalArgumentException"));
    // A sign-up whose address the email worker refuses: its journey ends in a dead letter.
    String refused =
        publish(
            "user-signed-up",
            "user-refused",
            "{\"userId\":\"r\",\"email\":\"no-at-sign\",\"name\":\"Refused\"}");
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(run("trace", refused, "--ops-url", "http://127.0.0.1:" + opsPort))
                    .contains("offload-worker-email process")
                    .contains("FAILED")
                    .contains("! dead-lettered"));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(get(workers + "/v1/dev/mailbox").body())
                  .containsPattern("\"to\":\"[a-z]+\\.[a-z]+@example\\.(com|org|net)\"")
                  .contains("welcome to Offload!");
              assertThat(get(workers + "/v1/search?q=kestrel").body())
                  .contains("\"id\":\"doc-1\"")
                  .contains("Quarterly kestrel report");
              assertThat(get(workers + "/v1/analytics/pages").body())
                  .containsPattern("\"path\":\"/(signup|login|search|about|docs/|blog/|account/)");
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(Files.readString(devOutput))
                    .contains("demo: publishing 20 events/s")
                    .containsPattern("demo: last 10 s: [\\d,]+ sent, [\\d,]+ accepted, 0 refused"));

    // The standalone demo is a JVM of its own, started beside a stack under load: it is stopped
    // once it has reported its first 10 s, so that it has published something whatever its start.
    await()
        .atMost(Duration.ofSeconds(90))
        .failFast("offload demo exited", () -> !demo.isAlive())
        .untilAsserted(
            () ->
                assertThat(Files.readString(demoOutput))
                    .contains("demo: publishing 20 events/s")
                    .containsPattern("demo: last 10 s: [\\d,]+ sent, [\\d,]+ accepted"));
    demo.destroy();
    assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("offload demo stops on SIGTERM").isTrue();
    assertThat(acceptedWhenStopped(Files.readString(demoOutput))).isPositive();
    stop(dev);
    assertThat(acceptedWhenStopped(Files.readString(devOutput))).isPositive();

    killedAndStartedAgain();
  }

  /**
   * {@code offload dev} killed with SIGKILL (or its terminal closed) right after events were
   * answered 202: its PostgreSQL keeps running. The next start on the same data directory stops
   * that server itself, says so in one line, and captures every accepted event.
   */
  private void killedAndStartedAgain() throws Exception {
    String type = "user-signed-up";
    Process dev = startDev("before-kill", log("dev-before-kill"), demoDataDir);
    List<String> accepted = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      accepted.add(
          publish(
              type,
              "kill-" + i,
              "{\"userId\":\"k" + i + "\",\"email\":\"k" + i + "@example.com\",\"name\":\"K\"}"));
    }
    dev.destroyForcibly();
    assertThat(dev.waitFor(30, TimeUnit.SECONDS)).as("offload dev ends on SIGKILL").isTrue();
    Path afterKill = log("dev-after-kill");
    Process again = startDev("after-kill", afterKill, demoDataDir);
    assertThat(Files.readAllLines(afterKill))
        .as("the start after a kill says once that it stops the PostgreSQL left running")
        .filteredOn(line -> line.contains("was not stopped"))
        .hasSize(1)
        .allSatisfy(line -> assertThat(line).contains("PostgreSQL of an earlier run"));
    Set<String> onKafka = new HashSet<>();
    readEventIds("offload.events." + type, onKafka, accepted);
    assertThat(onKafka).as("every event answered 202 before the kill").containsAll(accepted);
    stop(again);
  }

  /** Reads {@code topic} from its beginning into {@code ids} until it holds every one wanted. */
  private void readEventIds(String topic, Set<String> ids, List<String> wanted) {
    try (var consumer = fromBeginning(topic)) {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> ids.add(eventId(r)));
                return ids.containsAll(wanted);
              });
    }
  }

  /** The accepted count of the line a demo prints when it stops. */
  private static long acceptedWhenStopped(String output) {
    Matcher m =
        Pattern.compile("demo: stopped; ([\\d,]+) sent, ([\\d,]+) accepted, ([\\d,]+) refused")
            .matcher(output);
    assertThat(m.find()).as(output).isTrue();
    System.out.println("demo " + m.group());
    return Long.parseLong(m.group(2).replace(",", ""));
  }

  /**
   * The README's apps section on the running dev stack: {@code offload apps create} finds dev's
   * PostgreSQL through --data-dir, its key publishes as the app and only its types; a batch with an
   * Idempotency-Key answers the same ids when retried; the docs are served.
   */
  private void appsKeysBatchesAndDocs() throws Exception {
    String key =
        run(
                "apps",
                "create",
                "shop",
                "--types",
                "page-viewed",
                "--quiet",
                "--data-dir",
                dataDir.toString())
            .trim();
    assertThat(key).matches("ofk_[A-Za-z0-9_-]{43}");
    String pageViewed = "{\"userId\":\"42\",\"path\":\"/welcome\",\"durationMs\":1200}";
    assertThat(
            post(
                    "/v1/events/page-viewed",
                    "{\"key\":\"u\",\"data\":" + pageViewed + "}",
                    "Authorization",
                    "Bearer " + key)
                .statusCode())
        .isEqualTo(202);
    assertThat(
            post(
                    "/v1/events/user-signed-up",
                    "{\"key\":\"u\",\"data\":{}}",
                    "Authorization",
                    "Bearer " + key)
                .statusCode())
        .isEqualTo(403);
    assertThat(run("apps", "list", "--data-dir", dataDir.toString()))
        .contains("shop")
        .contains("active");
    String batch =
        "{\"events\":[{\"type\":\"page-viewed\",\"key\":\"u\",\"data\":"
            + pageViewed
            + "},"
            + "{\"type\":\"page-viewed\",\"key\":\"u\",\"data\":"
            + pageViewed
            + "}]}";
    HttpResponse<String> first = post("/v1/events:batch", batch, "Idempotency-Key", "readme-1");
    HttpResponse<String> retry = post("/v1/events:batch", batch, "Idempotency-Key", "readme-1");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    assertThat(first.body()).contains("\"eventIds\"");
    assertThat(retry.statusCode()).isEqualTo(202);
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(get("/docs").statusCode()).isEqualTo(200);
    assertThat(get("/openapi.yaml").body()).contains("/v1/events:batch");
  }

  /**
   * The handler workers, through the router's work topics: the signup already published gets its
   * welcome mail, a changed document becomes findable, a page view is counted.
   */
  private void assertHandlerWorkersActOnEvents(String signupId) throws Exception {
    String docId =
        publish(
            "document-changed",
            "doc-7",
            "{\"id\":\"doc-7\",\"title\":\"Quarterly kestrel report\","
                + "\"body\":\"Kestrels hover before they dive.\",\"tags\":[\"birds\"]}");
    String viewId =
        publish(
            "page-viewed",
            "user-1",
            "{\"userId\":\"1\",\"path\":\"/pricing\",\"durationMs\":1200}");
    String workers = "http://127.0.0.1:" + workersPort;
    await()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () ->
                assertThat(get(workers + "/v1/dev/mailbox").body())
                    .contains("\"eventId\":\"" + signupId + "\"")
                    .contains("ada@example.com")
                    .contains("Welcome to Offload, Ada")
                    .containsPattern("\"count\"\\s*:\\s*1\\b"));
    assertThat(get(workers + "/v1/dev/mailbox").body())
        .as("the mail as a reader sees it, not its MIME")
        .contains("\"from\":\"")
        .contains("\"text\":\"Hello Ada,\\n\\nwelcome to Offload! Your account is ready.")
        .contains("\"bodyExcerpt\":\"Hello Ada,")
        .doesNotContain("Content-Transfer-Encoding")
        .doesNotContain("------=_Part");
    await()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () ->
                assertThat(get(workers + "/v1/search?q=kestrels").body())
                    .contains("\"id\":\"doc-7\"")
                    .contains("<em>Kestrels</em>")
                    .containsIgnoringCase("kestrel"));
    await()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () ->
                assertThat(get(workers + "/v1/analytics/pages").body())
                    // one view of /pricing; the apps section counted /welcome before
                    .containsPattern(
                        "\\{\"path\":\"/pricing\",\"minute\":\"[^\"]+\",\"views\":1\\}"));
    assertThat(get(workers + "/v1/search").statusCode()).isEqualTo(400);
    assertThat(get(workers + "/v1/analytics/pages?from=yesterday").statusCode()).isEqualTo(400);
    // The sink calls, in the journeys: the index's commit and the rollup's transaction.
    String ops = "http://127.0.0.1:" + opsPort;
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> assertThat(run("trace", docId, "--ops-url", ops)).contains("index commit"));
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(run("trace", viewId, "--ops-url", ops)).contains("rollup transaction"));
    System.out.println("handled through the work topics: " + List.of(signupId, docId, viewId));
  }

  /** Runs an offload command to completion and returns what it printed on standard out. */
  private String run(String... args) throws IOException, InterruptedException {
    Process p =
        command(args)
            .redirectOutput(ProcessBuilder.Redirect.PIPE)
            .redirectError(log(args[0]).toFile())
            .start();
    started.add(p);
    String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(printed).isZero();
    return printed;
  }

  private Process startDev(String name) throws IOException {
    return startDev(name, log("dev-" + name), dataDir);
  }

  private Process startDev(String name, Path output, Path dir, String... options)
      throws IOException {
    long start = System.nanoTime();
    List<String> args = devArgs(dir);
    args.addAll(List.of(options));
    Process dev =
        command(args.toArray(String[]::new))
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    started.add(dev);
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(200))
        .failFast("offload dev exited", () -> !dev.isAlive())
        .until(() -> readyStatus() == 200);
    System.out.printf(
        "offload dev (%s start) ready after %d ms%n",
        name, (System.nanoTime() - start) / 1_000_000);
    // The summary is printed right after start returns, a moment after readiness may answer.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(Files.readString(output)).contains("http://127.0.0.1:" + apiPort));
    if (name.equals("first")) {
      // A clean start on a fresh data directory logs nothing a person would have to act on.
      assertThat(Files.readAllLines(output))
          .as("warnings and errors of a clean start")
          .noneMatch(line -> line.contains(" WARN ") || line.contains(" ERROR "));
    }
    return dev;
  }

  /** {@code offload dev} on {@code dir} and this test's ports. */
  private List<String> devArgs(Path dir) {
    return new ArrayList<>(
        List.of(
            "dev",
            "--data-dir",
            dir.toString(),
            "--api-port",
            Integer.toString(apiPort),
            "--kafka-port",
            Integer.toString(kafkaPort),
            "--registry-port",
            Integer.toString(registryPort),
            "--analytics-port",
            Integer.toString(analyticsPort),
            "--ops-port",
            Integer.toString(opsPort),
            "--workers-port",
            Integer.toString(workersPort),
            "--smtp-port",
            Integer.toString(smtpPort)));
  }

  private void stop(Process dev) throws InterruptedException {
    long start = System.nanoTime();
    dev.destroy();
    assertThat(dev.waitFor(90, TimeUnit.SECONDS)).as("offload dev stops on SIGTERM").isTrue();
    System.out.printf("offload dev stopped after %d ms%n", (System.nanoTime() - start) / 1_000_000);
  }

  private int readyStatus() {
    try {
      return get("/health/ready").statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private String publish(String type, String key, String data) throws Exception {
    HttpResponse<String> response =
        post("/v1/events/" + type, "{\"key\":\"" + key + "\",\"data\":" + data + "}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    Matcher m = EVENT_ID.matcher(response.body());
    assertThat(m.find()).as(response.body()).isTrue();
    return m.group(1);
  }

  /**
   * The values on Kafka are what DESIGN.md promises: magic byte 0, the id the registry gave the
   * type's schema, then Avro that decodes to the published data.
   */
  private void assertValuesAreRegisteredAvro(
      String topic, List<ConsumerRecord<String, byte[]>> events) {
    RegistryClient registry = new RegistryClient(RegistryClientConfig.of(registryUrl()));
    int id = registry.latest(topic + "-value").id();
    AvroDeserializer<GenericRecord> avro = AvroDeserializer.generic(registry);
    List<String> emails = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> event : events) {
      byte[] value = event.value();
      assertThat(value[0]).as("magic byte").isZero();
      assertThat(ByteBuffer.wrap(value, 1, 4).getInt()).as("schema id").isEqualTo(id);
      GenericRecord data =
          avro.deserialize(event.topic(), event.partition(), event.offset(), value);
      assertThat(data.get("userId")).hasToString("1");
      assertThat(data.get("locale")).isNull();
      emails.add(data.get("email") + " " + data.get("name"));
    }
    assertThat(emails).containsExactly("ada@example.com Ada", "grace@example.com Grace");
  }

  private List<ConsumerRecord<String, byte[]>> readEvents(String topic, int expected) {
    List<ConsumerRecord<String, byte[]>> events = new ArrayList<>();
    try (var consumer = fromBeginning(topic)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(events::add);
                return events.size() >= expected;
              });
      // Anything captured twice would arrive with the rest: keep reading a little longer.
      long quietUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      while (System.nanoTime() < quietUntil) {
        consumer.poll(Duration.ofMillis(200)).forEach(events::add);
      }
    }
    return events;
  }

  /** A consumer of every partition of {@code topic}, outside any group, at its beginning. */
  private KafkaConsumer<String, byte[]> fromBeginning(String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    var partitions =
        consumer.partitionsFor(topic).stream()
            .map(i -> new TopicPartition(topic, i.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer;
  }

  private static String eventId(ConsumerRecord<String, byte[]> event) {
    return new String(
        event.headers().lastHeader(OffloadHeaders.EVENT_ID).value(), StandardCharsets.UTF_8);
  }

  private ProcessBuilder command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(CHECKOUT.resolve("offload").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(CHECKOUT.toFile());
    pb.environment().put("OFFLOAD_JAVA_OPTS", "-Xmx1g");
    return pb;
  }

  private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api(path)));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return HTTP.send(
        request
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** GET of a path on the API, or of a full URL. */
  private HttpResponse<String> get(String pathOrUrl) throws IOException, InterruptedException {
    String url = pathOrUrl.startsWith("http") ? pathOrUrl : api(pathOrUrl);
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String api(String path) {
    return "http://127.0.0.1:" + apiPort + path;
  }

  private String registryUrl() {
    return "http://127.0.0.1:" + registryPort;
  }

  private String bootstrap() {
    return "127.0.0.1:" + kafkaPort;
  }

  private static Path log(String name) throws IOException {
    Path dir = Files.createDirectories(Path.of("target", "it-logs"));
    return dir.resolve("offload-" + name + "-" + UUID.randomUUID() + ".log");
  }
}
