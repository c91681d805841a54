package dev.offload.app;

import dev.offload.app.internal.WorkerRoleConfig;
import dev.offload.connectors.ConnectorConfig;
import dev.offload.producers.ApiConfig;
import dev.offload.streams.StreamsConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Reads the deployment files (compose/, the Dockerfile, the README) and the facts the code states
 * about them, for the static tests of this package. SnakeYAML rather than Jackson's YAML mapper:
 * the compose file shares settings through anchors and merge keys ({@code <<: *offload}), which
 * Jackson reads as a plain key.
 */
final class DeploymentFiles {
  private static final Pattern STRING_LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");
  private static final Pattern OFFLOAD_ENV = Pattern.compile("OFFLOAD_[A-Z0-9_]*[A-Z0-9]");
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

  final Path root;
  final Map<String, String> dotEnv;

  private DeploymentFiles(Path root) {
    this.root = root;
    this.dotEnv = readDotEnv(root.resolve("compose/.env"));
  }

  /** The files of the checkout the tests run in. */
  static DeploymentFiles ofThisCheckout() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("compose/docker-compose.yml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no compose/docker-compose.yml above the working directory");
    }
    return new DeploymentFiles(dir);
  }

  Path path(String relative) {
    return root.resolve(relative);
  }

  String read(String relative) {
    try {
      return Files.readString(root.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One YAML document, anchors and merge keys resolved. */
  @SuppressWarnings("unchecked")
  Map<String, Object> yaml(String relative) {
    return (Map<String, Object>) yamlLoader().load(read(relative));
  }

  /** Every document of every {@code .yaml} file under {@code dir}, with its file name. */
  @SuppressWarnings("unchecked")
  List<Map.Entry<String, Map<String, Object>>> yamlDocuments(String dir) {
    List<Map.Entry<String, Map<String, Object>>> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(root.resolve(dir))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object doc : yamlLoader().loadAll(Files.readString(file))) {
          if (doc != null) {
            out.add(Map.entry(file.getFileName().toString(), (Map<String, Object>) doc));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * Replaces {@code ${VAR}}, {@code ${VAR:-default}} and {@code ${VAR:?message}} the way docker
   * compose does, from {@code compose/.env}.
   *
   * @throws IllegalArgumentException naming a variable that .env does not define and that has no
   *     default
   */
  String interpolate(String text) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = dotEnv.get(m.group(1));
      boolean unset =
          value == null || (m.group(2) != null && m.group(2).startsWith(":") && value.isEmpty());
      if (unset) {
        if (m.group(2) != null && m.group(2).endsWith("-")) {
          value = m.group(3);
        } else {
          throw new IllegalArgumentException("${" + m.group(1) + "} is not set in compose/.env");
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Every {@code OFFLOAD_…} name in a string literal of any module's main sources. */
  Set<String> environmentVariablesTheCodeReads() {
    Set<String> names = new TreeSet<>();
    // the roles' files: one variable per key, named by the configuration loader's rule
    names.addAll(ApiConfig.LOADER.environmentVariables());
    names.addAll(ConnectorConfig.LOADER.environmentVariables());
    names.addAll(StreamsConfiguration.LOADER.environmentVariables());
    names.addAll(WorkerRoleConfig.LOADER.environmentVariables());
    for (Path file : mainSources("")) {
      Matcher literal = STRING_LITERAL.matcher(readFile(file));
      while (literal.find()) {
        Matcher name = OFFLOAD_ENV.matcher(literal.group(1));
        while (name.find()) {
          names.add(name.group());
        }
      }
    }
    return names;
  }

  /** Whether {@code "literal"} appears, quoted, in the main sources under {@code sourceDir}. */
  boolean mainSourcesContainLiteral(String sourceDir, String literal) {
    String quoted = "\"" + literal + "\"";
    return mainSources(sourceDir).stream().anyMatch(f -> readFile(f).contains(quoted));
  }

  /** The Java main sources under {@code dir} (relative to the root; empty: every module). */
  List<Path> mainSources(String dir) {
    try (Stream<Path> files = Files.walk(root.resolve(dir))) {
      return files
          .filter(f -> f.toString().endsWith(".java"))
          .filter(f -> f.toString().contains("/src/main/java/"))
          .filter(f -> !f.toString().contains("/target/"))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String readFile(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Yaml yamlLoader() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    return new Yaml(options);
  }

  private static Map<String, String> readDotEnv(Path file) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : readFile(file).split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int eq = l.indexOf('=');
      values.put(l.substring(0, eq), l.substring(eq + 1));
    }
    return values;
  }
}
