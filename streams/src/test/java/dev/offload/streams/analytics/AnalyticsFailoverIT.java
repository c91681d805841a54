package dev.offload.streams.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.streams.ChildInstance;
import dev.offload.streams.CrashBeforeCommitInterceptor;
import dev.offload.streams.ItSupport;
import dev.offload.streams.ItSupport.EventLoad;
import dev.offload.streams.StreamsConfiguration;
import dev.offload.streams.StreamsRunner;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code analytics} instances under exactly-once: one in this JVM, one in a child JVM that dies
 * (kill -9, or a halt inside an open transaction). The survivor takes over and the final counts
 * equal the number of distinct events sent. Deduplication is off here, so only exactly-once keeps
 * replays from being counted twice.
 */
@ExtendWith(SharedInfrastructure.class)
class AnalyticsFailoverIT {
  private static final Duration PATIENCE = Duration.ofSeconds(120);
  private static final List<String> PRODUCERS = List.of("shop", "crm");

  @TempDir Path dir;
  private String bootstrap;
  private String base;
  private List<String> types;
  private List<String> topics;
  private String appId;
  private StreamsRunner survivor;
  private final List<Process> children = new ArrayList<>();

  @BeforeEach
  void setUp(Infrastructure infrastructure) {
    bootstrap = infrastructure.bootstrapServers();
    base = TestNames.eventType("failover");
    types = List.of(base + "-a", base + "-b", base + "-c");
    topics = types.stream().map(t -> "offload.events." + t).toList();
    appId = TestNames.group("analytics-failover");
    ItSupport.createTopics(bootstrap, topics, 3);
  }

  @AfterEach
  void tearDown() {
    children.forEach(Process::destroyForcibly);
    if (survivor != null) {
      survivor.close();
    }
  }

  private String yaml(String stateDir, int port, String extraKafka) {
    return """
        kafka:
          bootstrap-servers: %s
          properties:
            consumer.session.timeout.ms: 6000
            consumer.heartbeat.interval.ms: 1500
            producer.transaction.timeout.ms: 5000
            statestore.cache.max.bytes: 0
            %s
        application-id: %s
        processing-guarantee: exactly-once-v2
        state-dir: %s
        commit-interval: 100ms
        http: {port: %d}
        topologies:
          analytics:
            input-pattern: '%s'
            view-prefix: %s
            dedup-retention: 0
        """
        .formatted(
            bootstrap,
            extraKafka,
            appId,
            stateDir,
            port,
            "offload\\.events\\." + base + "-.+",
            appId);
  }

  private void startSurvivor() {
    StreamsConfiguration conf =
        StreamsConfiguration.LOADER.parse(
            yaml(dir.resolve("survivor").toString(), 0, ""), Map.of());
    survivor = StreamsRunner.start(new AnalyticsTopology(), conf);
    await().atMost(PATIENCE).until(() -> survivor.state() == KafkaStreams.State.RUNNING);
  }

  private Process startChild(String name, Long crashAfterSends) throws IOException {
    String extra =
        crashAfterSends == null
            ? ""
            : "producer.interceptor.classes: " + CrashBeforeCommitInterceptor.class.getName();
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, yaml(dir.resolve(name).toString(), freePort(), extra));
    Process child =
        ChildInstance.start(
            config, dir.resolve(name + ".log"), AnalyticsTopology.NAME, crashAfterSends);
    children.add(child);
    return child;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Sum over every 1-minute window of every type, asked of the survivor. */
  private long countedByType() {
    long total = 0;
    for (String type : types) {
      var response =
          ItSupport.get(
              survivor.httpPort(),
              AnalyticsQueries.PATH + "?type=" + type + "&window=1m&from=0&to=4102444800000");
      if (response.statusCode() != 200) {
        return -1;
      }
      total += ItSupport.json(response.body()).get("total").asLong();
    }
    return total;
  }

  @Test
  void theSurvivorTakesOverAfterKillMinus9AndCountsEachEventOnce() throws Exception {
    startSurvivor();
    try (EventLoad load = new EventLoad(bootstrap, topics, PRODUCERS, 10, Duration.ofMillis(100))) {
      Process child = startChild("killed", null);
      // Kill only once the child owns tasks and has processed events.
      int childPort = port(dir.resolve("killed.yaml"));
      await().atMost(PATIENCE).until(() -> childProcessed(childPort) > 50 && load.sent() > 0);
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      long sentAtKill = load.sent();
      await().atMost(PATIENCE).until(() -> load.sent() > sentAtKill + 300);
      long sent = load.stop();

      await().atMost(PATIENCE).untilAsserted(() -> assertThat(countedByType()).isEqualTo(sent));
    }
  }

  @Test
  void aCrashBetweenProcessingAndCommitThreeTimesCountsEachEventOnce() throws Exception {
    startSurvivor();
    try (EventLoad load = new EventLoad(bootstrap, topics, PRODUCERS, 10, Duration.ofMillis(100))) {
      for (int crash = 1; crash <= 3; crash++) {
        Process child = startChild("crash-" + crash, 150L);
        await().atMost(PATIENCE).until(() -> !child.isAlive());
        assertThat(child.exitValue())
            .as("crash %d halted inside a transaction", crash)
            .isEqualTo(CrashBeforeCommitInterceptor.EXIT_CODE);
      }
      long sent = load.stop();

      await().atMost(PATIENCE).untilAsserted(() -> assertThat(countedByType()).isEqualTo(sent));
    }
  }

  private static int port(Path yaml) throws IOException {
    String text = Files.readString(yaml);
    int at = text.indexOf("http: {port: ") + "http: {port: ".length();
    return Integer.parseInt(text.substring(at, text.indexOf('}', at)));
  }

  private static long childProcessed(int port) {
    try {
      var response = ItSupport.get(port, "/metrics");
      return response
          .body()
          .lines()
          .filter(l -> l.startsWith("offload_streams_records_processed_total"))
          .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .sum();
    } catch (RuntimeException e) {
      return 0; // not listening yet
    }
  }
}
