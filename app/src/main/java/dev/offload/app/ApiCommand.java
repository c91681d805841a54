package dev.offload.app;

import dev.offload.producers.ApiConfig;
import dev.offload.producers.IngestApi;
import dev.offload.runtime.tracing.SpanExemplars;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code offload api}: the ingest API alone, against a configured PostgreSQL and registry. */
@Command(
    name = "api",
    mixinStandardHelpOptions = true,
    description = {
      "Run the ingest API role: POST /v1/events/{type} and /v1/events:batch, validated against the",
      "schema registry and written to the PostgreSQL outbox, with /health/ready, /metrics,",
      "/openapi.yaml and /docs. Requests need an app's API key (offload apps create) unless the",
      "file says auth.required: false, which only a loopback address allows.",
      "Settings come from the YAML file (-c), each key overridden by OFFLOAD_<KEY PATH>: e.g.",
      "OFFLOAD_HTTP_PORT, OFFLOAD_DATABASE_JDBC_URL, OFFLOAD_DATABASE_USER,",
      "OFFLOAD_DATABASE_PASSWORD(_FILE), OFFLOAD_REGISTRY_URL, OFFLOAD_AUTH_REQUIRED; see the",
      "ApiConfig javadoc for every key. Runs until Ctrl-C."
    })
final class ApiCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "API configuration (YAML); default: built-in defaults (127.0.0.1:8080, keys required).")
  Path config;

  @Option(
      names = {"-p", "--port"},
      paramLabel = "PORT",
      description = "HTTP port, overriding the file; 0 picks a free one.")
  Integer port;

  @Mixin PrintConfigOption printConfig = new PrintConfigOption();

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> env = System.getenv();
    Map<String, String> options =
        Collections.singletonMap("http.port", port == null ? null : port.toString());
    if (printConfig.printIfRequested(spec, () -> ApiConfig.LOADER.print(config, env, options))) {
      return 0;
    }
    ApiConfig apiConfig = ApiConfig.LOADER.load(config, env, options);
    String registryUrl = apiConfig.registry().url();
    PrometheusMeterRegistry registry =
        new PrometheusMeterRegistry(
            PrometheusConfig.DEFAULT,
            new PrometheusRegistry(),
            io.micrometer.core.instrument.Clock.SYSTEM,
            new SpanExemplars());
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    RegistryClient schemas = new RegistryClient(RegistryClientConfig.of(registryUrl));
    Tracing tracing = Tracing.fromEnvironment(env, "offload-api");
    IngestApi api = IngestApi.start(apiConfig, registry, Map.of(), schemas, tracing);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  api.close();
                  tracing.close();
                  stopped.countDown();
                },
                "offload-api-stop"));
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "offload api on %s  (database %s, registry %s)%n",
        api.baseUrl(),
        apiConfig.database().jdbcUrl(),
        RegistryClientConfig.of(registryUrl).urls().get(0));
    out.printf(
        "  %s%n",
        apiConfig.auth().required()
            ? "API keys required (Authorization: Bearer <key>; offload apps create issues them)"
            : "requests without an API key publish as app '" + apiConfig.producerName() + "'");
    out.printf(
        "  docs %s/docs, health %s/health/ready, metrics %s/metrics%n",
        api.baseUrl(), api.baseUrl(), api.baseUrl());
    if (tracing.enabled()) {
      out.printf("  spans to the OTLP collector of OTEL_EXPORTER_OTLP_ENDPOINT%n");
    }
    out.println("Stop with Ctrl-C.");
    out.flush();
    stopped.await();
    return 0;
  }
}
