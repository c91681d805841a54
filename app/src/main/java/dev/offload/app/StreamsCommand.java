package dev.offload.app;

import dev.offload.runtime.tracing.Tracing;
import dev.offload.streams.StreamsConfiguration;
import dev.offload.streams.StreamsRunner;
import dev.offload.streams.TopologyCatalog;
import dev.offload.streams.TopologyContext;
import dev.offload.streams.TopologyDefinition;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code offload streams}: lists, describes and runs the stream processors by name. */
@Command(
    name = "streams",
    mixinStandardHelpOptions = true,
    description = {
      "Stream processors (Kafka Streams topologies) deployed by name: the built-in router and",
      "analytics, and any topology of your own named in the configuration file."
    },
    subcommands = {
      StreamsCommand.ListTopologies.class,
      StreamsCommand.DescribeTopology.class,
      StreamsCommand.RunTopology.class
    })
final class StreamsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options every sub-command shares. */
  static class ConfigOption {
    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "Streams configuration (YAML); default: built-in defaults.")
    Path config;

    StreamsConfiguration load() {
      return config == null
          ? StreamsConfiguration.LOADER.defaults(System.getenv())
          : StreamsConfiguration.LOADER.load(config, System.getenv(), Map.of());
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the topologies.")
  static final class ListTopologies implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption options = new ConfigOption();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      for (TopologyDefinition t : TopologyCatalog.of(options.load()).all()) {
        out.printf("%-12s %s%n", t.name(), t.description());
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = "Print a topology's processors, stores and topics (Topology.describe()).")
  static final class DescribeTopology implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption options = new ConfigOption();

    @Parameters(index = "0", paramLabel = "NAME", description = "Topology name, e.g. router.")
    String name;

    @Override
    public Integer call() {
      StreamsConfiguration configuration = options.load();
      TopologyDefinition definition = TopologyCatalog.of(configuration).require(name);
      String appId = configuration.applicationIdFor(name);
      var topology =
          definition.build(new TopologyContext(name, appId, configuration.sectionOf(name)));
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          definition.name() + " (application.id " + appId + "): " + definition.description());
      out.println(topology.describe());
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Run a topology until stopped. Instances with the same application id share the",
        "partitions: to scale out, start another process (or pass --instances)."
      })
  static final class RunTopology implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConfigOption options = new ConfigOption();

    @Parameters(index = "0", paramLabel = "NAME", description = "Topology name, e.g. analytics.")
    String name;

    @Option(
        names = "--instances",
        paramLabel = "N",
        description = "Kafka Streams instances in this JVM (default: from the file, else 1).")
    Integer instances;

    @Option(
        names = {"-b", "--bootstrap-server"},
        description = "Kafka bootstrap servers (default: from the file, else 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(
        names = {"-p", "--port"},
        paramLabel = "P",
        description =
            "HTTP port for /health/ready, /metrics and queries (default: from the file, else "
                + StreamsConfiguration.DEFAULT_HTTP_PORT
                + "; 0 = any free port, -1 = none).")
    Integer port;

    @Mixin PrintConfigOption printConfig = new PrintConfigOption();

    @Override
    public Integer call() throws InterruptedException {
      Map<String, String> overrides = new HashMap<>();
      overrides.put("kafka.bootstrap-servers", bootstrapServers);
      overrides.put("instances", instances == null ? null : instances.toString());
      overrides.put("http.port", port == null ? null : port.toString());
      if (printConfig.printIfRequested(
          spec,
          () -> StreamsConfiguration.LOADER.print(options.config, System.getenv(), overrides))) {
        return 0;
      }
      StreamsConfiguration configuration =
          StreamsConfiguration.LOADER.load(options.config, System.getenv(), overrides);
      TopologyDefinition definition = TopologyCatalog.of(configuration).require(name);
      CountDownLatch stopped = new CountDownLatch(1);
      Tracing tracing = Tracing.fromEnvironment(System.getenv(), "offload-" + name);
      StreamsRunner runner =
          StreamsRunner.start(
              definition,
              configuration,
              new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                  io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT),
              tracing);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    runner.close();
                    tracing.close();
                    stopped.countDown();
                  },
                  "offload-streams-stop"));
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "offload: running "
              + name
              + " as "
              + runner.applicationId()
              + (runner.httpPort() >= 0 ? " (HTTP on port " + runner.httpPort() + ")" : "")
              + "; Ctrl-C stops it");
      err.flush();
      stopped.await();
      return 0;
    }
  }
}
