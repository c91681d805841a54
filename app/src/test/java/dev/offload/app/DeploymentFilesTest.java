package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.ops.lag.LagMonitor;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose stack and the Kubernetes manifests agree with the code, read at test time: every
 * Offload command line is a sub-command of the picocli model with options that exist, every
 * environment variable is one the code reads, every port is the role's default, every healthcheck
 * path is served by its role, every image tag is pinned. No Docker needed.
 */
class DeploymentFilesTest {
  /**
   * Role commands the deployment files already use but this branch's code does not have yet, each
   * with what is missing. For these, and only these, a command line that does not parse is reported
   * instead of failing; every other check still applies. Empty this once they land: then the same
   * checks hold them to the picocli model.
   */
  static final Map<String, String> PENDING_COMMANDS = Map.of();

  /** Environment variables of Offload containers that are the JVM's, not Offload's. */
  private static final Set<String> JVM_ENVIRONMENT =
      Set.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS");

  private static final Pattern URL = Pattern.compile("https?://[A-Za-z0-9.-]+:[0-9]+/[^\\s\"',]*");

  private static DeploymentFiles files;
  private static Map<String, Object> compose;
  private static List<Map.Entry<String, Map<String, Object>>> manifests;
  private static Set<String> envTheCodeReads;

  /** An Offload process as a deployment file starts it. */
  private record Deployed(String name, RoleInvocation invocation, Map<String, Object> configFile) {}

  /**
   * A URL or port one file points at a deployed role: a healthcheck, a probe, a scrape target, a
   * container or service port ({@code path} null: the port alone).
   */
  private record Check(String location, String target, int port, String path) {}

  @BeforeAll
  static void read() {
    files = DeploymentFiles.ofThisCheckout();
    compose = files.yaml("compose/docker-compose.yml");
    manifests = files.yamlDocuments("compose/k8s");
    envTheCodeReads = files.environmentVariablesTheCodeReads();
  }

  // ---- commands ------------------------------------------------------------------------------

  @Test
  void everyOffloadCommandLineIsASubCommandWithOptionsThatExist() {
    List<Deployed> all = new ArrayList<>(composeRoles().values());
    all.addAll(manifestRoles().values());
    assertThat(all).hasSizeGreaterThanOrEqualTo(18);
    List<String> problems = new ArrayList<>();
    for (Deployed d : all) {
      RoleInvocation inv = d.invocation();
      if (inv.parsed().isPresent()) {
        continue;
      }
      if (PENDING_COMMANDS.containsKey(inv.role())) {
        System.err.printf(
            "pending: %s: offload %s (%s): %s%n",
            inv.location(),
            String.join(" ", inv.args()),
            PENDING_COMMANDS.get(inv.role()),
            inv.failure());
      } else {
        problems.add(
            inv.location() + ": offload " + String.join(" ", inv.args()) + ": " + inv.failure());
      }
    }
    assertThat(problems).as("command lines that the offload command rejects").isEmpty();
    // The model is the one the tests read: an existing command with a bad option is refused.
    assertThat(RoleInvocation.parse("probe", List.of("ops", "--no-such-option"), Map.of()).parsed())
        .isEmpty();
    assertThat(RoleInvocation.parse("probe", List.of("ops", "--port", "8090"), Map.of()).parsed())
        .isPresent();
  }

  @Test
  void pendingCommandsAreOnesTheFilesUse() {
    Set<String> used = new TreeSet<>();
    composeRoles().values().forEach(d -> used.add(d.invocation().role()));
    manifestRoles().values().forEach(d -> used.add(d.invocation().role()));
    assertThat(used).containsAll(PENDING_COMMANDS.keySet());
    for (String pending : PENDING_COMMANDS.keySet()) {
      if (RoleInvocation.commandExists(pending)) {
        System.err.printf(
            "pending: offload %s exists now; once the files parse against it, empty its entry%n",
            pending);
      }
    }
  }

  // ---- environment ---------------------------------------------------------------------------

  @Test
  void everyEnvironmentVariableIsOneTheConfigurationReads() {
    assertThat(envTheCodeReads)
        .contains("OFFLOAD_KAFKA_BOOTSTRAP_SERVERS", "OFFLOAD_KAFKA_SECURITY_PROTOCOL");
    Map<String, Set<String>> byLocation = new LinkedHashMap<>();
    composeRoles()
        .values()
        .forEach(d -> byLocation.put(d.name(), d.invocation().environment().keySet()));
    manifestRoles()
        .values()
        .forEach(d -> byLocation.put(d.name(), d.invocation().environment().keySet()));
    byLocation.put(
        "compose/secrets/generate.sh", offloadNamesIn(files.read("compose/secrets/generate.sh")));
    // OpenTelemetry's own variables: the roles hand every OTEL_* one to its autoconfigure.
    assertThat(files.mainSourcesContainLiteral("runtime", "OTEL_")).isTrue();
    List<String> unknown = new ArrayList<>();
    byLocation.forEach(
        (where, names) ->
            names.stream()
                .filter(n -> !envTheCodeReads.contains(n) && !JVM_ENVIRONMENT.contains(n))
                .filter(n -> !n.startsWith("OTEL_"))
                .forEach(n -> unknown.add(where + ": " + n)));
    assertThat(unknown).as("variables no main source of any module reads").isEmpty();
  }

  // ---- ports and health paths ----------------------------------------------------------------

  @Test
  void everyPortIsTheRolesDefaultAndEveryHealthPathIsServedByItsRole() {
    List<String> problems = new ArrayList<>();
    Map<String, Deployed> composeRoles = composeRoles();
    Map<String, Deployed> manifestRoles = manifestRoles();
    List<Check> checks = new ArrayList<>(composeChecks(composeRoles));
    checks.addAll(prometheusChecks());
    checks.addAll(manifestChecks(manifestRoles));
    assertThat(checks).hasSizeGreaterThanOrEqualTo(40);
    for (Check check : checks) {
      Deployed target =
          check.location().startsWith("compose/k8s")
              ? manifestRoles.get(check.target())
              : composeRoles.get(check.target());
      if (target == null) {
        problems.add(check.location() + ": " + check.target() + " is no Offload role of that file");
        continue;
      }
      boolean pending = PENDING_COMMANDS.containsKey(target.invocation().role());
      OptionalInt port = rolePort(target, problems);
      if (port.isPresent() && port.getAsInt() != check.port()) {
        problems.add(
            check.location()
                + ": port "
                + check.port()
                + " of "
                + check.target()
                + ", but its role serves "
                + port.getAsInt());
      }
      String role = target.invocation().role();
      boolean served = check.path() == null || servedBy(role, check.path());
      if (!served && !pending) {
        problems.add(
            check.location()
                + ": "
                + check.path()
                + " is not a route of the "
                + target.invocation().role()
                + " role (no \""
                + check.path()
                + "\" in "
                + RoleInvocation.ROUTE_SOURCES.get(role)
                + ")");
      }
    }
    assertThat(problems).isEmpty();
    // The check can fail: a path no server of the role serves is not a route of it.
    assertThat(servedBy("worker", "/health/live")).isTrue();
    assertThat(servedBy("worker", "/health/nothing")).isFalse();
    assertThat(servedBy("connector", "/v1/search")).isFalse();
  }

  @Test
  void theSharedHealthServerCountsOnlyForRolesThatStartIt() {
    RoleInvocation.ROUTE_SOURCES.forEach(
        (role, sources) -> {
          if (sources.contains(RoleInvocation.HEALTH_SERVER)) {
            String starter = RoleInvocation.HEALTH_SERVER_STARTERS.get(role);
            assertThat(starter).as(role + ": the code that starts the health server").isNotNull();
            assertThat(files.read(starter))
                .as(starter)
                .containsAnyOf("HealthServer.on(", "HealthServer.scrapeHandler(");
          }
        });
  }

  /** Whether a route source of {@code role} names {@code path} as a literal. */
  private static boolean servedBy(String role, String path) {
    return RoleInvocation.ROUTE_SOURCES.getOrDefault(role, List.of()).stream()
        .anyMatch(source -> files.mainSourcesContainLiteral(source, path));
  }

  /** The role's port: its default, which the files must not change. */
  private static OptionalInt rolePort(Deployed d, List<String> problems) {
    RoleInvocation inv = d.invocation();
    OptionalInt configured = inv.configuredPort(d.configFile());
    OptionalInt defaults = inv.defaultPort();
    if (defaults.isPresent()) {
      if (configured.isPresent() && configured.getAsInt() != defaults.getAsInt()) {
        problems.add(
            d.name()
                + ": port "
                + configured.getAsInt()
                + " is not the role's default "
                + defaults.getAsInt());
      }
      return defaults;
    }
    if (!PENDING_COMMANDS.containsKey(inv.role())) {
      problems.add(
          d.name()
              + ": the default port of role "
              + inv.role()
              + " is unknown: give its command a --port"
              + " option with a default, or add its configuration's default to RoleInvocation.CONFIG_DEFAULT_PORTS");
    }
    return configured;
  }

  // ---- images --------------------------------------------------------------------------------

  @Test
  void everyImageTagIsPinnedAndComesFromDotEnv() {
    List<String> problems = new ArrayList<>();
    services()
        .forEach(
            (name, service) -> {
              String raw = String.valueOf(service.get("image"));
              if (!raw.matches("\\$\\{[A-Z_]+_IMAGE}:\\$\\{[A-Z_]+_TAG}")) {
                problems.add(
                    "compose "
                        + name
                        + ": image "
                        + raw
                        + " does not take its name and tag from .env");
                return;
              }
              checkPinned("compose " + name, files.interpolate(raw), problems);
            });
    files.dotEnv.forEach(
        (key, value) -> {
          if (key.endsWith("_TAG") && (value.isBlank() || value.equalsIgnoreCase("latest"))) {
            problems.add("compose/.env: " + key + "=" + value);
          }
        });
    String offloadImage = files.interpolate("${OFFLOAD_IMAGE}:${OFFLOAD_TAG}");
    for (Map<String, Object> container : manifestContainers().values()) {
      String image = String.valueOf(container.get("image"));
      checkPinned("compose/k8s " + container.get("name"), image, problems);
      if (image.startsWith(files.dotEnv.get("OFFLOAD_IMAGE") + ":")
          && !image.equals(offloadImage)) {
        problems.add("compose/k8s: " + image + " is not the compose stack's " + offloadImage);
      }
    }
    Matcher from =
        Pattern.compile("(?m)^ARG [A-Z_]+_IMAGE=(\\S+)$").matcher(files.read("Dockerfile"));
    int bases = 0;
    while (from.find()) {
      bases++;
      checkPinned("Dockerfile", from.group(1), problems);
    }
    assertThat(bases).as("base images of the Dockerfile, as ARG defaults").isEqualTo(2);
    assertThat(problems).isEmpty();
  }

  private static void checkPinned(String where, String image, List<String> problems) {
    int colon = image.lastIndexOf(':');
    String tag =
        colon < 0 || image.substring(colon).contains("/") ? "" : image.substring(colon + 1);
    if (tag.isBlank() || tag.equalsIgnoreCase("latest")) {
      problems.add(where + ": image " + image + " has no pinned tag");
    }
  }

  // ---- compose structure ---------------------------------------------------------------------

  @Test
  void everyServiceHasAHealthcheckAndWaitsForHealthyDependencies() {
    Map<String, Map<String, Object>> services = services();
    Set<String> oneShots = new TreeSet<>();
    services.forEach(
        (name, service) -> {
          if ("no".equals(String.valueOf(service.get("restart")))) {
            oneShots.add(name);
          }
        });
    assertThat(oneShots).containsExactlyInAnyOrder("kafka-certs", "kafka-setup");
    List<String> problems = new ArrayList<>();
    services.forEach(
        (name, service) -> {
          if (!oneShots.contains(name)
              && !(service.get("healthcheck") instanceof Map<?, ?> h && h.get("test") != null)) {
            problems.add(name + ": no healthcheck");
          }
          Object dependsOn = service.getOrDefault("depends_on", Map.of());
          if (!(dependsOn instanceof Map<?, ?> deps)) {
            problems.add(name + ": depends_on must name a condition for each dependency");
            return;
          }
          deps.forEach(
              (dep, spec) -> {
                String condition = String.valueOf(((Map<?, ?>) spec).get("condition"));
                String expected =
                    oneShots.contains(dep) ? "service_completed_successfully" : "service_healthy";
                if (!services.containsKey(dep)) {
                  problems.add(name + ": depends on unknown service " + dep);
                } else if (!expected.equals(condition)) {
                  problems.add(
                      name + ": waits for " + dep + " with " + condition + ", not " + expected);
                }
              });
        });
    assertThat(problems).isEmpty();
    assertThat(services)
        .containsKeys(
            "kafka",
            "postgres",
            "registry",
            "schema-registry-confluent",
            "api",
            "connector",
            "streams-router",
            "streams-analytics",
            "worker-email",
            "worker-index",
            "worker-analytics",
            "ops",
            "mailpit",
            "prometheus",
            "grafana");
    assertThat(mapAt(services.get("api"), "deploy")).containsEntry("replicas", 2);
  }

  @Test
  void postgresRunsWithLogicalWalAndSynchronousCommit() {
    List<String> command = stringsAt(services().get("postgres"), "command");
    assertThat(command).contains("wal_level=logical", "synchronous_commit=on");
  }

  @Test
  void theClusterProfileRunsThreeBrokersWithReplicationThreeAndMinIsrTwo() {
    Map<String, Map<String, Object>> services = services();
    assertThat(services.get("kafka")).doesNotContainKey("profiles");
    for (String broker : List.of("kafka-2", "kafka-3")) {
      assertThat(stringsAt(services.get(broker), "profiles")).containsExactly("cluster");
    }
    Map<String, String> cluster = new LinkedHashMap<>();
    for (String line : files.read("compose/cluster.env").split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        cluster.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    assertThat(cluster)
        .containsEntry("COMPOSE_PROFILES", "cluster")
        .containsEntry("KAFKA_REPLICATION_FACTOR", "3")
        .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "2");
    assertThat(files.dotEnv).containsEntry("KAFKA_REPLICATION_FACTOR", "1");
    Map<String, Object> env = mapAt(services.get("kafka"), "environment");
    assertThat(env)
        .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", "${KAFKA_REPLICATION_FACTOR}")
        .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", "${KAFKA_MIN_INSYNC_REPLICAS}")
        .containsEntry(
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP",
            "BROKER:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT")
        .containsEntry("KAFKA_SASL_ENABLED_MECHANISMS", "SCRAM-SHA-512");
    String acls = files.read("compose/kafka/setup-users-and-acls.sh");
    assertThat(acls)
        .contains("--topic offload.events. --resource-pattern-type prefixed")
        .contains("acl offload-worker --operation Write --operation Create --operation Describe");
  }

  // ---- Kubernetes ----------------------------------------------------------------------------

  @Test
  void theConnectorRunsAloneAndStreamsKeepTheirState() {
    Map<String, Object> connector = manifest("Deployment", "connector");
    assertThat(mapAt(connector, "spec")).containsEntry("replicas", 1);
    assertThat(mapAt(mapAt(connector, "spec"), "strategy")).containsEntry("type", "Recreate");
    Map<String, Object> pdb = manifest("PodDisruptionBudget", "connector");
    assertThat(mapAt(mapAt(mapAt(pdb, "spec"), "selector"), "matchLabels"))
        .isEqualTo(mapAt(mapAt(mapAt(connector, "spec"), "selector"), "matchLabels"));
    for (String topology : List.of("router", "analytics")) {
      Map<String, Object> streams = manifest("StatefulSet", "streams-" + topology);
      assertThat((List<?>) mapAt(streams, "spec").get("volumeClaimTemplates")).hasSize(1);
    }
  }

  @Test
  void everyWorkerGroupScalesOnLagInRecordsAndSecondsCappedAtThePartitionCount() {
    String lagSeconds = LagMonitor.LAG_SECONDS.replace('.', '_');
    int partitions =
        Integer.parseInt(
            String.valueOf(
                mapAt(services().get("kafka"), "environment").get("KAFKA_NUM_PARTITIONS")));
    List<String> workers =
        manifests.stream()
            .map(Map.Entry::getValue)
            .filter(d -> "Deployment".equals(d.get("kind")))
            .map(d -> String.valueOf(mapAt(d, "metadata").get("name")))
            .filter(n -> n.startsWith("worker-"))
            .toList();
    assertThat(workers)
        .containsExactlyInAnyOrder("worker-email", "worker-analytics", "worker-index");
    for (String worker : workers) {
      Map<String, Object> spec = mapAt(manifest("ScaledObject", worker), "spec");
      assertThat(mapAt(spec, "scaleTargetRef")).containsEntry("name", worker);
      assertThat((Integer) spec.get("maxReplicaCount")).isBetween(1, partitions);
      List<?> triggers = (List<?>) spec.get("triggers");
      Map<String, Object> kafka = trigger(triggers, "kafka");
      assertThat(mapAt(kafka, "metadata"))
          .as("the worker's default group, offload-worker-<handler>")
          .containsEntry("consumerGroup", "offload-" + worker);
      Map<String, Object> prometheus = trigger(triggers, "prometheus");
      assertThat(String.valueOf(mapAt(prometheus, "metadata").get("query")))
          .contains(lagSeconds + "{group=\"offload-" + worker + "\"}");
    }
  }

  // ---- Dockerfile ----------------------------------------------------------------------------

  @Test
  void theDockerfileBuildsWithTheReadmesBuildCommand() {
    Matcher block = Pattern.compile("(?s)```sh\\n(.*?)```").matcher(files.read("README.md"));
    List<String> readme = null;
    while (block.find() && readme == null) {
      for (String segment : block.group(1).split("&&|\\n")) {
        if (segment.strip().startsWith("mvn ")) {
          readme = List.of(segment.strip().split("\\s+"));
          break;
        }
      }
    }
    List<String> docker = null;
    for (String line : files.read("Dockerfile").split("\n")) {
      if (line.startsWith("RUN ") && line.contains(" mvn ")) {
        docker =
            List.of(line.substring(4).strip().split("\\s+")).stream()
                .filter(t -> !t.startsWith("--mount="))
                .toList();
      }
    }
    assertThat(readme).as("the README's build command").isNotNull();
    assertThat(docker).as("the Dockerfile's build command").isEqualTo(readme);
    String dockerfile = files.read("Dockerfile");
    assertThat(dockerfile)
        .contains("USER 10001")
        .contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/offload/offload.jar\"]");
  }

  // ---- documentation -------------------------------------------------------------------------

  @Test
  void theReadmesProductionSectionCoversTheGuideAndItsFiguresAreMeasuredOnes() {
    String section = section(files.read("README.md"), "## Production");
    assertThat(section)
        .contains(
            "docs/PRODUCTION.md",
            "docker compose",
            "cluster.env",
            "OFFLOAD_KAFKA_BOOTSTRAP_SERVERS")
        .contains("**Scale**", "synchronous_commit", "min.insync.replicas", "replication factor")
        .contains("offload bench", "docs/BENCHMARKS.md");
    String benchmarks = files.read("docs/BENCHMARKS.md");
    List<String> figures = new ArrayList<>(tableFigures(section));
    figures.addAll(tableFigures(section(files.read("docs/PRODUCTION.md"), "## Sizing")));
    assertThat(figures).hasSizeGreaterThanOrEqualTo(10);
    assertThat(figures)
        .as("sizing figures that docs/BENCHMARKS.md does not report")
        .allMatch(benchmarks::contains);
  }

  private static String section(String markdown, String heading) {
    int start = markdown.indexOf(heading + "\n");
    assertThat(start).as(heading).isNotNegative();
    int end = markdown.indexOf("\n## ", start + heading.length());
    return markdown.substring(start, end < 0 ? markdown.length() : end);
  }

  /** The numbers of a section's table rows that are figures (three digits or more, or decimals). */
  private static List<String> tableFigures(String section) {
    List<String> figures = new ArrayList<>();
    Pattern number =
        Pattern.compile(
            "(?<![\\w.])\\d{1,3}(?:,\\d{3})+(?![\\d])|(?<![\\w.,])\\d+\\.\\d+|(?<![\\w.,])\\d{3,}(?![\\d,])");
    for (String line : section.split("\n")) {
      if (line.strip().startsWith("|")) {
        Matcher m = number.matcher(line);
        while (m.find()) {
          figures.add(m.group());
        }
      }
    }
    return figures;
  }

  // ---- traces --------------------------------------------------------------------------------

  /**
   * Every role that records spans sends them to the collector's OTLP/HTTP receiver; the collector
   * passes them to Jaeger and to the ops role's port; Grafana's Prometheus data source links the
   * latency panels' exemplars to the Jaeger data source; Prometheus keeps exemplars.
   */
  @Test
  void spansGoThroughTheCollectorToJaegerAndTheOpsRoleAndExemplarsLinkToJaeger() {
    Map<String, Object> collector = files.yaml("compose/otel/collector.yml");
    Map<String, Object> http = mapAt(mapAt(mapAt(collector, "receivers"), "otlp"), "protocols");
    String receiver = String.valueOf(mapAt(http, "http").get("endpoint"));
    String endpoint = "http://otel-collector:" + receiver.substring(receiver.lastIndexOf(':') + 1);
    assertThat(services()).containsKeys("otel-collector", "jaeger");
    Map<String, Deployed> roles = composeRoles();
    // Every role but the registry and ops, which record no spans.
    Set<String> tracing = new TreeSet<>(roles.keySet());
    tracing.removeAll(Set.of("registry", "ops"));
    assertThat(tracing).contains("api", "connector", "streams-router", "worker-email");
    for (String role : tracing) {
      assertThat(roles.get(role).invocation().environment())
          .as(role + " sends its spans to the collector")
          .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
    }
    Map<String, Object> exporters = mapAt(collector, "exporters");
    Deployed ops = roles.get("ops");
    int opsPort = ops.invocation().configuredPort(ops.configFile()).orElseThrow();
    assertThat(mapAt(exporters, "otlphttp/ops"))
        .as("the ops role's port, where /v1/traces is served")
        .containsEntry("endpoint", "http://ops:" + opsPort);
    assertThat(files.mainSourcesContainLiteral("ops", "/v1/traces")).isTrue();
    assertThat(String.valueOf(mapAt(exporters, "otlp/jaeger").get("endpoint")))
        .startsWith("jaeger:");
    assertThat(
            stringsAt(
                mapAt(mapAt(mapAt(collector, "service"), "pipelines"), "traces"), "exporters"))
        .containsExactlyInAnyOrder("otlp/jaeger", "otlphttp/ops");

    Map<String, Object> datasources =
        files.yaml("compose/grafana/provisioning/datasources/prometheus.yml");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> sources = (List<Map<String, Object>>) datasources.get("datasources");
    Map<String, Object> jaeger =
        sources.stream().filter(d -> "jaeger".equals(d.get("type"))).findFirst().orElseThrow();
    Map<String, Object> prometheus =
        sources.stream().filter(d -> "prometheus".equals(d.get("type"))).findFirst().orElseThrow();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> links =
        (List<Map<String, Object>>)
            mapAt(prometheus, "jsonData").get("exemplarTraceIdDestinations");
    assertThat(links)
        .singleElement()
        .satisfies(
            link ->
                assertThat(link)
                    .containsEntry("name", "trace_id")
                    .containsEntry("datasourceUid", jaeger.get("uid")));
    assertThat(String.valueOf(jaeger.get("url"))).startsWith("http://jaeger:");
    assertThat(stringsAt(services().get("prometheus"), "command"))
        .contains("--enable-feature=exemplar-storage");
  }

  // ---- reading the files ---------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services() {
    return (Map<String, Map<String, Object>>) compose.get("services");
  }

  /** The compose services that run the Offload image, by service name. */
  private static Map<String, Deployed> composeRoles() {
    String image = files.dotEnv.get("OFFLOAD_IMAGE") + ":";
    Map<String, Deployed> out = new LinkedHashMap<>();
    services()
        .forEach(
            (name, service) -> {
              if (!files.interpolate(String.valueOf(service.get("image"))).startsWith(image)) {
                return;
              }
              List<String> args =
                  stringsAt(service, "command").stream().map(files::interpolate).toList();
              Map<String, String> env = new LinkedHashMap<>();
              mapAt(service, "environment")
                  .forEach((k, v) -> env.put(k, files.interpolate(String.valueOf(v))));
              for (String envFile : stringsAt(service, "env_file")) {
                String generator = files.read("compose/secrets/generate.sh");
                String fileName = envFile.substring(envFile.lastIndexOf('/') + 1);
                assertThat(generator)
                    .as("compose/secrets/generate.sh writes " + envFile)
                    .contains("> " + fileName);
                offloadNamesIn(generator).forEach(n -> env.putIfAbsent(n, ""));
              }
              RoleInvocation inv = RoleInvocation.parse("compose service " + name, args, env);
              Map<String, Object> config =
                  inv.configFile()
                      .map(f -> files.yaml("compose/config/" + f.substring(f.lastIndexOf('/') + 1)))
                      .orElse(Map.of());
              out.put(name, new Deployed("compose service " + name, inv, config));
            });
    return out;
  }

  /** The Offload containers of the manifests, by Deployment or StatefulSet name. */
  private static Map<String, Deployed> manifestRoles() {
    Map<String, Deployed> out = new LinkedHashMap<>();
    String image = files.dotEnv.get("OFFLOAD_IMAGE") + ":";
    manifestContainers()
        .forEach(
            (workload, container) -> {
              if (!String.valueOf(container.get("image")).startsWith(image)) {
                return;
              }
              Map<String, String> env = new LinkedHashMap<>();
              for (Object e : (List<?>) container.getOrDefault("env", List.of())) {
                env.put(
                    String.valueOf(((Map<?, ?>) e).get("name")),
                    String.valueOf(((Map<?, ?>) e).get("value")));
              }
              for (Object from : (List<?>) container.getOrDefault("envFrom", List.of())) {
                String configMap =
                    String.valueOf(
                        ((Map<?, ?>) ((Map<?, ?>) from).get("configMapRef")).get("name"));
                mapAt(manifest("ConfigMap", configMap), "data")
                    .forEach((k, v) -> env.put(k, String.valueOf(v)));
              }
              List<String> args = stringsAt(container, "args");
              RoleInvocation inv = RoleInvocation.parse("compose/k8s " + workload, args, env);
              Map<String, Object> config =
                  inv.configFile()
                      .map(f -> configMapFile(f.substring(f.lastIndexOf('/') + 1)))
                      .orElse(Map.of());
              out.put(workload, new Deployed("compose/k8s " + workload, inv, config));
            });
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> configMapFile(String key) {
    Object text = mapAt(manifest("ConfigMap", "offload-config"), "data").get(key);
    assertThat(text).as("ConfigMap offload-config has " + key).isNotNull();
    return (Map<String, Object>) new Yaml().load(String.valueOf(text));
  }

  /** Every container of every Deployment and StatefulSet, by workload name. */
  private static Map<String, Map<String, Object>> manifestContainers() {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Object>> doc : manifests) {
      Map<String, Object> m = doc.getValue();
      if (Set.of("Deployment", "StatefulSet").contains(m.get("kind"))) {
        String name = String.valueOf(mapAt(m, "metadata").get("name"));
        Map<String, Object> pod = mapAt(mapAt(mapAt(m, "spec"), "template"), "spec");
        List<?> containers = (List<?>) pod.get("containers");
        assertThat(containers).as(name + " runs one container").hasSize(1);
        out.put(name, castMap(containers.get(0)));
      }
    }
    return out;
  }

  private static List<Check> composeChecks(Map<String, Deployed> roles) {
    List<Check> checks = new ArrayList<>();
    roles.forEach(
        (name, d) -> {
          Map<String, Object> service = services().get(name);
          List<String> test = stringsAt(mapAt(service, "healthcheck"), "test");
          List<URI> urls = urls(String.join(" ", test));
          assertThat(urls).as(name + ": healthcheck is an HTTP GET").hasSize(1);
          URI self = urls.get(0);
          assertThat(Set.of("127.0.0.1", "localhost", name))
              .as(name + ": healthcheck host")
              .contains(self.getHost());
          checks.add(
              new Check("compose " + name + " healthcheck", name, self.getPort(), self.getPath()));
          for (URI other : urls(String.join(" ", d.invocation().args()))) {
            checks.add(
                new Check(
                    "compose " + name + " command",
                    other.getHost(),
                    other.getPort(),
                    other.getPath()));
          }
        });
    return checks;
  }

  private static List<Check> prometheusChecks() {
    List<Check> checks = new ArrayList<>();
    for (Object job :
        (List<?>) files.yaml("compose/prometheus/prometheus.yml").get("scrape_configs")) {
      Map<String, Object> j = castMap(job);
      String path = String.valueOf(j.getOrDefault("metrics_path", "/metrics"));
      String where = "compose/prometheus job " + j.get("job_name");
      for (Object sc : (List<?>) j.getOrDefault("static_configs", List.of())) {
        for (Object target : (List<?>) castMap(sc).get("targets")) {
          String[] hostPort = String.valueOf(target).split(":");
          if (!hostPort[0].equals("localhost")) {
            checks.add(new Check(where, hostPort[0], Integer.parseInt(hostPort[1]), path));
          }
        }
      }
      for (Object dns : (List<?>) j.getOrDefault("dns_sd_configs", List.of())) {
        Map<String, Object> d = castMap(dns);
        for (Object name : (List<?>) d.get("names")) {
          checks.add(new Check(where, String.valueOf(name), (Integer) d.get("port"), path));
        }
      }
    }
    return checks;
  }

  private static List<Check> manifestChecks(Map<String, Deployed> roles) {
    List<Check> checks = new ArrayList<>();
    Map<String, Map<String, Object>> containers = manifestContainers();
    roles.forEach(
        (name, d) -> {
          Map<String, Object> c = containers.get(name);
          Map<String, Integer> ports = new LinkedHashMap<>();
          for (Object p : (List<?>) c.get("ports")) {
            ports.put(
                String.valueOf(castMap(p).get("name")), (Integer) castMap(p).get("containerPort"));
          }
          assertThat(ports).as(name + ": one named http port").containsOnlyKeys("http");
          for (String probe : List.of("readinessProbe", "livenessProbe")) {
            Map<String, Object> get = mapAt(mapAt(c, probe), "httpGet");
            Object port = get.get("port");
            int number =
                port instanceof Integer i ? i : ports.getOrDefault(String.valueOf(port), -1);
            checks.add(
                new Check(
                    "compose/k8s " + name + " " + probe,
                    name,
                    number,
                    String.valueOf(get.get("path"))));
          }
          checks.add(
              new Check("compose/k8s " + name + " containerPort", name, ports.get("http"), null));
          for (URI other : urls(String.join(" ", d.invocation().args()))) {
            checks.add(
                new Check(
                    "compose/k8s " + name + " args",
                    other.getHost(),
                    other.getPort(),
                    other.getPath()));
          }
        });
    for (Map.Entry<String, Map<String, Object>> doc : manifests) {
      Map<String, Object> m = doc.getValue();
      String name = String.valueOf(mapAt(m, "metadata").get("name"));
      if ("Service".equals(m.get("kind")) && roles.containsKey(name)) {
        for (Object p : (List<?>) mapAt(m, "spec").get("ports")) {
          checks.add(
              new Check(
                  "compose/k8s Service " + name, name, (Integer) castMap(p).get("port"), null));
        }
      }
    }
    return checks;
  }

  private static Map<String, Object> manifest(String kind, String name) {
    return manifests.stream()
        .map(Map.Entry::getValue)
        .filter(d -> kind.equals(d.get("kind")) && name.equals(mapAt(d, "metadata").get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("compose/k8s has no " + kind + " " + name));
  }

  private static Map<String, Object> trigger(List<?> triggers, String type) {
    return triggers.stream()
        .map(DeploymentFilesTest::castMap)
        .filter(t -> type.equals(t.get("type")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " trigger"));
  }

  private static List<URI> urls(String text) {
    List<URI> out = new ArrayList<>();
    Matcher m = URL.matcher(text);
    while (m.find()) {
      out.add(URI.create(m.group()));
    }
    return out;
  }

  private static Set<String> offloadNamesIn(String text) {
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("(OFFLOAD_[A-Z0-9_]*[A-Z0-9])=").matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static Map<String, Object> mapAt(Map<String, Object> map, String key) {
    Object value = map == null ? null : map.get(key);
    return value == null ? Map.of() : castMap(value);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object value) {
    return (Map<String, Object>) Objects.requireNonNull(value);
  }

  private static List<String> stringsAt(Map<String, Object> map, String key) {
    Object value = map == null ? null : map.get(key);
    if (value == null) {
      return List.of();
    }
    return value instanceof List<?> list
        ? list.stream().map(String::valueOf).toList()
        : List.of(String.valueOf(value));
  }
}
