package dev.offload.app;

import dev.offload.ops.dashboard.OpsServer;
import dev.offload.ops.dashboard.OpsServerConfig;
import dev.offload.ops.dashboard.RoleChecks;
import dev.offload.ops.lag.LagMonitorConfig;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.config.ConfigChecks;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code offload ops}: the operations role. Runs the lag monitor and the ops server (dashboard,
 * JSON API, {@code /metrics}, health) until Ctrl-C.
 */
@Command(
    name = "ops",
    mixinStandardHelpOptions = true,
    description = {
      "Run the operations role: the consumer-lag monitor and the ops server with the live",
      "dashboard at /dashboard (lag in records and seconds, status, throughput, dead letters,",
      "role health), its JSON API under /api, Prometheus metrics at /metrics and",
      "/health/live, /health/ready. Runs until Ctrl-C."
    })
final class OpsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description = "Address to listen on; 0.0.0.0 for all (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8090",
      description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Mixin KafkaOption kafka;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "Time between lag polls, e.g. 2s (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--history",
      paramLabel = "DURATION",
      defaultValue = "15m",
      converter = DurationConverter.class,
      description = "How far back the dashboard's charts reach (default: ${DEFAULT-VALUE}).")
  Duration history;

  @Option(
      names = {"-g", "--group"},
      paramLabel = "GROUP",
      description = "Only this consumer group; repeat for several (default: every group).")
  List<String> groups = new ArrayList<>();

  @Option(
      names = "--objective",
      paramLabel = "[GROUP=]DURATION",
      description = LagObjectiveOption.DESCRIPTION)
  List<String> objectives = new ArrayList<>();

  @Option(
      names = "--check",
      paramLabel = "ROLE=URL",
      description = {
        "Show the health of another role on the dashboard: up when a GET of URL answers 2xx",
        "within 2 s; repeat, e.g. --check api=http://api:8080/health/ready."
      })
  Map<String, String> checks = new LinkedHashMap<>();

  @Option(
      names = "--keep-spans",
      paramLabel = "N",
      defaultValue = "50000",
      description = {
        "Keep the latest N spans the roles send to this server's /v1/traces (OTLP/HTTP,",
        "protobuf; set OTEL_EXPORTER_OTLP_ENDPOINT=http://<this host>:<port> on each role, or",
        "point a collector at it), for offload trace and the /journey page; 0 keeps none",
        "(default: ${DEFAULT-VALUE})."
      })
  int keepSpans;

  @Override
  public Integer call() throws InterruptedException {
    OpsServerConfig config = config();
    Map<String, BooleanSupplier> roleChecks = roleChecks();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    bindJvmMetrics(registry);
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    if (keepSpans < 0) {
      throw new ParameterException(
          spec.commandLine(), "--keep-spans must be 0 or more, was " + keepSpans);
    }
    Tracing spans =
        keepSpans == 0 ? Tracing.off() : Tracing.keepingRecent("offload-ops", keepSpans);
    try (spans;
        OpsServer ops = OpsServer.start(config, registry, roleChecks, spans)) {
      PrintWriter out = spec.commandLine().getOut();
      out.println("Offload ops dashboard on " + ops.dashboardUrl() + " (Ctrl-C to stop)");
      out.println("Prometheus metrics on " + ops.baseUrl() + "/metrics");
      if (keepSpans > 0) {
        out.println(
            "Journeys of events on "
                + ops.baseUrl()
                + "/journey, from the spans roles send to "
                + ops.baseUrl()
                + "/v1/traces");
      }
      out.flush();
      // The hook waits for the server to close, so Ctrl-C stops the Kafka clients cleanly.
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> awaitStop(stop, stopped), "offload-ops-stop"));
      stop.await();
      return 0;
    } finally {
      stopped.countDown();
    }
  }

  private static void awaitStop(CountDownLatch stop, CountDownLatch stopped) {
    stop.countDown();
    try {
      stopped.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private OpsServerConfig config() {
    try {
      LagMonitorConfig lag =
          LagMonitorConfig.builder(kafka.bootstrapServers)
              .interval(interval)
              .groups(Set.copyOf(groups))
              .objectives(LagObjectiveOption.parse(objectives, spec.commandLine()))
              .security(kafka.security())
              .build();
      return ConfigChecks.check(
          OpsServerConfig.builder(kafka.bootstrapServers)
              .host(host)
              .port(port)
              .lag(lag)
              .history(history)
              .build());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  private Map<String, BooleanSupplier> roleChecks() {
    Map<String, BooleanSupplier> out = new LinkedHashMap<>();
    checks.forEach(
        (role, url) -> {
          URI uri;
          try {
            uri = URI.create(url);
          } catch (IllegalArgumentException e) {
            throw new ParameterException(
                spec.commandLine(), "--check " + role + ": '" + url + "' is not a URL", e);
          }
          if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            throw new ParameterException(
                spec.commandLine(), "--check " + role + ": '" + url + "' is not an http(s) URL");
          }
          out.put(role, RoleChecks.http(uri));
        });
    return out;
  }

  private static void bindJvmMetrics(PrometheusMeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }
}
