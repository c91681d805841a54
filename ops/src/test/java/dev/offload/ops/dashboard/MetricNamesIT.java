package dev.offload.ops.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.ops.KafkaFixtures;
import dev.offload.ops.dashboard.DashboardFixtures.DeadLetter;
import dev.offload.ops.dashboard.internal.ConnectorMeters;
import dev.offload.ops.lag.LagMonitorConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every metric name in the Grafana dashboard and the Prometheus alert rules under {@code compose/}
 * is one the code exports. The ops role's own names are collected live: an {@link OpsServer}
 * watches a group with a backlog and a dead-letter topic on the shared broker, and its {@code
 * /metrics} scrape is parsed. The other roles' names come from {@code external-metrics.txt}, each
 * checked against the source file that declares it.
 */
@ExtendWith(SharedInfrastructure.class)
class MetricNamesIT {
  private static final Logger log = LoggerFactory.getLogger(MetricNamesIT.class);
  private static final Path ROOT = Path.of("..");
  private static final Path DASHBOARD = ROOT.resolve("compose/grafana/dashboards/offload.json");
  private static final Path ALERTS = ROOT.resolve("compose/prometheus/alerts.yml");
  private static final Pattern METRIC = Pattern.compile("\\boffload_[a-z0-9_]+");
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]");

  /** One line of external-metrics.txt. */
  private record External(String name, String type, Path declaredIn) {}

  @Test
  void everyMetricTheDashboardAndAlertsUseIsExported(Infrastructure infra) throws Exception {
    Set<String> used = new TreeSet<>(namesInDashboard());
    Set<String> inAlerts = namesInAlerts();
    used.addAll(inAlerts);
    assertThat(inAlerts).contains("offload_consumer_lag_seconds_max", "offload_dlq_records_total");

    Set<String> live = liveNames(infra);
    Map<String, String> external = externalNames();

    Set<String> verifiedLive = new TreeSet<>(used);
    verifiedLive.retainAll(live);
    Set<String> fromList = new TreeSet<>(used);
    fromList.removeAll(live);
    log.info("Metric names verified live on the ops server's /metrics: {}", verifiedLive);
    log.info("Metric names of other roles, from external-metrics.txt: {}", fromList);

    assertThat(fromList)
        .as("names used in compose/ that neither the ops registry nor external-metrics.txt has")
        .allSatisfy(name -> assertThat(external).containsKey(name));
    // The ops role's own names must never be vouched for by the list, only by the live registry.
    assertThat(verifiedLive)
        .contains(
            "offload_consumer_lag_records",
            "offload_consumer_lag_seconds_max",
            "offload_consumer_lag_group_status",
            "offload_consumer_lag_objective_seconds",
            "offload_topic_records_produced_total",
            "offload_group_records_consumed_total",
            "offload_dlq_records_total");
    assertThat(fromList).noneMatch(n -> n.startsWith("offload_consumer_lag"));
    // And the dashboard really shows API latency and connector capture latency.
    assertThat(fromList)
        .contains(
            "offload_api_requests_seconds_bucket",
            "offload_connector_capture_latency_seconds_sum",
            "offload_connector_capture_latency_seconds_count");
  }

  @Test
  void theConnectorNamesTheOpsPageReadsAreTheListedOnes() throws IOException {
    Set<String> listed = new TreeSet<>();
    externals().forEach(e -> listed.add(e.name()));
    assertThat(listed)
        .contains(
            ConnectorMeters.RUNNING,
            ConnectorMeters.CAPTURE_LATENCY,
            ConnectorMeters.EVENTS,
            ConnectorMeters.SLOT_RETAINED,
            ConnectorMeters.SLOT_USABLE);
  }

  /** Runs an ops server on a backlog and a dead letter, and collects the names it exports. */
  private static Set<String> liveNames(Infrastructure infra) throws Exception {
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = TestNames.topic("metric-names");
    String group = TestNames.group("metric-names");
    DashboardFixtures.backlog(kafka, topic, group, 1, 5, Duration.ofMinutes(1));
    String dlq = "offload.dlq." + group;
    kafka.createTopic(dlq, 1);
    DashboardFixtures.publishDeadLetters(
        infra.bootstrapServers(),
        dlq,
        List.of(new DeadLetter("x", "java.lang.IllegalStateException", topic, Instant.now())));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OpsServerConfig config =
        OpsServerConfig.builder(infra.bootstrapServers())
            .port(0)
            .lag(
                LagMonitorConfig.builder(infra.bootstrapServers())
                    .interval(Duration.ofMillis(500))
                    .groups(Set.of(group))
                    .build())
            .build();
    try (OpsServer ops = OpsServer.start(config, registry, Map.of())) {
      String[] scrape = new String[1];
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                scrape[0] = DashboardFixtures.get(ops.baseUrl(), "/metrics").body();
                return scrape[0].contains("offload_dlq_records_total{topic=\"" + dlq + "\"}")
                    && scrape[0].contains("offload_group_records_consumed_total{group=\"" + group);
              });
      return sampleNames(scrape[0]);
    }
  }

  private static Set<String> sampleNames(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  private static Set<String> namesInDashboard() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    Set<String> names = new TreeSet<>();
    collect(dashboard, names);
    assertThat(names).as("metric names in " + DASHBOARD).isNotEmpty();
    return names;
  }

  /** Metric names in every {@code expr}, {@code query} and {@code definition} of the JSON. */
  private static void collect(JsonNode node, Set<String> names) {
    node.fields()
        .forEachRemaining(
            e -> {
              boolean query = Set.of("expr", "query", "definition").contains(e.getKey());
              if (query && e.getValue().isTextual()) {
                names.addAll(metricsIn(e.getValue().asText()));
              }
            });
    // elements(): the items of an array, the values of an object.
    node.elements().forEachRemaining(child -> collect(child, names));
  }

  private static Set<String> namesInAlerts() throws IOException {
    JsonNode alerts = new ObjectMapper(new YAMLFactory()).readTree(ALERTS.toFile());
    Set<String> names = new TreeSet<>();
    for (JsonNode group : alerts.get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        names.addAll(metricsIn(rule.get("expr").asText()));
      }
    }
    return names;
  }

  private static Set<String> metricsIn(String promql) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(promql);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  /** Prometheus series name to the Micrometer name it comes from, for every listed meter. */
  private static Map<String, String> externalNames() throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (External e : externals()) {
      String source = Files.readString(ROOT.resolve(e.declaredIn()));
      assertThat(source)
          .as("%s is declared in %s", e.name(), e.declaredIn())
          .contains("\"" + e.name() + "\"");
      seriesOf(e).forEach(series -> out.put(series, e.name()));
    }
    return out;
  }

  /** The series names a meter of this type and name has in the Prometheus registry. */
  private static Set<String> seriesOf(External e) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    switch (e.type()) {
      case "timer" -> Timer.builder(e.name()).register(registry).record(Duration.ofMillis(1));
      case "timer-histogram" ->
          Timer.builder(e.name())
              .publishPercentileHistogram()
              .register(registry)
              .record(Duration.ofMillis(1));
      case "counter" -> Counter.builder(e.name()).register(registry).increment();
      case "gauge" -> Gauge.builder(e.name(), () -> 1).register(registry);
      default -> throw new IllegalArgumentException("unknown meter type " + e.type());
    }
    return sampleNames(registry.scrape());
  }

  private static List<External> externals() throws IOException {
    try (InputStream in = MetricNamesIT.class.getResourceAsStream("external-metrics.txt")) {
      assertThat(in).as("external-metrics.txt on the test classpath").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .map(l -> l.split("\\s+"))
          .map(f -> new External(f[0], f[1], Path.of(f[2])))
          .toList();
    }
  }
}
