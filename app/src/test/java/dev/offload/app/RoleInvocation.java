package dev.offload.app;

import dev.offload.app.internal.WorkerRoleConfig;
import dev.offload.connectors.ConnectorConfig;
import dev.offload.embedded.registry.RegistryServerConfig;
import dev.offload.ops.dashboard.OpsServerConfig;
import dev.offload.producers.ApiConfig;
import dev.offload.streams.StreamsConfiguration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * One {@code offload …} command line of a deployment file, checked against the picocli model of
 * {@link Offload}: the sub-command and every option must exist. For a command still listed as
 * pending (see {@link DeploymentFilesTest#PENDING_COMMANDS}) a failed parse is remembered instead.
 *
 * @param location where the command line is, for messages
 * @param args the arguments after {@code offload}, variables already replaced
 * @param environment the environment the deployment gives the process
 * @param parsed the parse of the innermost sub-command, empty when it did not parse
 * @param failure why it did not parse, or {@code null}
 */
record RoleInvocation(
    String location,
    List<String> args,
    Map<String, String> environment,
    Optional<ParseResult> parsed,
    String failure) {

  /**
   * The HTTP port of each role's configuration, as its code states it, for roles whose command line
   * has no {@code --port} option with a default. A role that gains one needs no entry here.
   */
  static final Map<String, Integer> CONFIG_DEFAULT_PORTS =
      Map.of(
          "api", ApiConfig.DEFAULT_PORT,
          "registry", RegistryServerConfig.DEFAULT_PORT,
          "streams", StreamsConfiguration.DEFAULT_HTTP_PORT,
          "ops", OpsServerConfig.DEFAULT_PORT,
          "connector", ConnectorConfig.DEFAULT_HTTP_PORT,
          "worker", WorkerRoleConfig.DEFAULT_HTTP_PORT);

  /** The health and metrics server every role's HTTP routes are served on. */
  static final String HEALTH_SERVER =
      "runtime/src/main/java/dev/offload/runtime/http/HealthServer.java";

  /**
   * Where each role whose health routes come from {@link #HEALTH_SERVER} starts that server or
   * mounts its scrape handler on its own router, which it must do for those routes to count
   * (checked by the test).
   */
  static final Map<String, String> HEALTH_SERVER_STARTERS =
      Map.of(
          "connector", "app/src/main/java/dev/offload/app/ConnectorCommand.java",
          "worker", "app/src/main/java/dev/offload/app/WorkerCommand.java",
          "streams", "streams/src/main/java/dev/offload/streams/http/StreamsHttpServer.java",
          "api", "producers/src/main/java/dev/offload/producers/internal/ApiRouter.java",
          "ops", "ops/src/main/java/dev/offload/ops/dashboard/internal/OpsRouter.java");

  /** Environment variables that set a role's HTTP port, overriding its file. */
  private static final List<String> PORT_ENVIRONMENT =
      List.of(
          "OFFLOAD_HTTP_PORT",
          "OFFLOAD_STREAMS_HTTP_PORT",
          "OFFLOAD_CONNECTOR_HTTP_PORT",
          "OFFLOAD_WORKER_HTTP_PORT");

  /** Command-line options that set a role's HTTP port. */
  private static final List<String> PORT_OPTIONS = List.of("--port", "--metrics-port");

  /**
   * Where each role's HTTP routes are written (directories or files relative to the checkout), for
   * the check that a healthcheck path is one the role serves: the role's module, plus the shared
   * health server for the roles that start it ({@link #HEALTH_SERVER_STARTERS}).
   */
  static final Map<String, List<String>> ROUTE_SOURCES =
      Map.of(
          "api", List.of("producers", HEALTH_SERVER),
          "registry", List.of("embedded/src/main/java/dev/offload/embedded/registry"),
          "streams", List.of("streams", HEALTH_SERVER),
          "ops", List.of("ops", HEALTH_SERVER),
          "connector", List.of("connectors", HEALTH_SERVER),
          "worker", List.of("consumers", HEALTH_SERVER));

  /** Parses {@code args} as {@code offload args}. */
  static RoleInvocation parse(String location, List<String> args, Map<String, String> env) {
    CommandLine cli = new CommandLine(new Offload());
    try {
      ParseResult result = cli.parseArgs(args.toArray(String[]::new));
      while (result.hasSubcommand()) {
        result = result.subcommand();
      }
      return new RoleInvocation(location, args, env, Optional.of(result), null);
    } catch (CommandLine.ParameterException e) {
      return new RoleInvocation(location, args, env, Optional.empty(), e.getMessage());
    }
  }

  /** Whether {@code offload} has a sub-command named {@code name}. */
  static boolean commandExists(String name) {
    return new CommandLine(new Offload()).getSubcommands().containsKey(name);
  }

  /** The role: the first word after {@code offload}. */
  String role() {
    return args.isEmpty() ? "" : args.get(0);
  }

  /** The port the role serves HTTP on in this deployment, when the files say. */
  OptionalInt configuredPort(Map<String, Object> configFile) {
    for (String name : PORT_ENVIRONMENT) {
      String fromEnv = environment.get(name);
      if (fromEnv != null) {
        return OptionalInt.of(Integer.parseInt(fromEnv));
      }
    }
    for (String option : PORT_OPTIONS) {
      if (parsed.isPresent()) {
        ParseResult r = parsed.get();
        if (r.hasMatchedOption(option)) {
          return OptionalInt.of(Integer.parseInt(r.matchedOption(option).stringValues().get(0)));
        }
      } else {
        int i = args.indexOf(option);
        if (i >= 0 && i + 1 < args.size()) {
          return OptionalInt.of(Integer.parseInt(args.get(i + 1)));
        }
      }
    }
    Object port = configFile.get("port");
    if (port == null && configFile.get("http") instanceof Map<?, ?> http) {
      port = http.get("port");
    }
    return port == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(port.toString()));
  }

  /**
   * The role's default port: its command's {@code --port} default, else its configuration's default
   * ({@link #CONFIG_DEFAULT_PORTS}).
   */
  OptionalInt defaultPort() {
    if (parsed.isPresent()) {
      OptionSpec option = parsed.get().commandSpec().findOption("--port");
      if (option != null && option.defaultValue() != null) {
        return OptionalInt.of(Integer.parseInt(option.defaultValue()));
      }
    }
    Integer port = CONFIG_DEFAULT_PORTS.get(role());
    return port == null ? OptionalInt.empty() : OptionalInt.of(port);
  }

  /** The value of {@code --config}, if the command names a configuration file. */
  Optional<String> configFile() {
    if (parsed.isPresent()) {
      ParseResult r = parsed.get();
      return r.hasMatchedOption("--config")
          ? Optional.of(r.matchedOption("--config").stringValues().get(0))
          : Optional.empty();
    }
    int i = args.indexOf("--config");
    return i >= 0 && i + 1 < args.size() ? Optional.of(args.get(i + 1)) : Optional.empty();
  }
}
