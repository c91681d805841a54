package dev.offload.schemas.history;

import dev.offload.schemas.registry.CompatibilityChecker;
import dev.offload.schemas.registry.CompatibilityLevel;
import dev.offload.schemas.registry.CompatibilityResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;

/**
 * The build-time gate on schema edits: every {@code .avsc} under the schema folder is checked
 * against each of its earlier versions kept under {@code avro-history/<name>/v<N>.avsc}.
 *
 * <p>The rule is {@link CompatibilityLevel#BACKWARD_TRANSITIVE}, the transitive form of the
 * registry's default: a reader with the new schema reads events written with every earlier one. A
 * schema whose current text is not yet in its history must be recorded as the next {@code
 * v<N>.avsc}, so the next edit is checked against it too.
 */
final class SchemaHistory {
  static final CompatibilityLevel LEVEL = CompatibilityLevel.BACKWARD_TRANSITIVE;

  private SchemaHistory() {}

  /** Every problem found, one readable line each; empty when the gate passes. */
  static List<String> problems(Path schemaDir, Path historyDir) throws IOException {
    List<String> problems = new ArrayList<>();
    try (Stream<Path> files = Files.list(schemaDir)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList()) {
        problems.addAll(check(file, historyDir));
      }
    }
    return problems;
  }

  private static List<String> check(Path file, Path historyDir) throws IOException {
    String name = file.getFileName().toString().replace(".avsc", "");
    Schema current = parse(file);
    List<Path> versions = versions(historyDir.resolve(name));
    List<Schema> earlier = new ArrayList<>();
    for (Path v : versions) {
      earlier.add(parse(v));
    }
    List<String> problems = new ArrayList<>();
    CompatibilityResult result = CompatibilityChecker.check(LEVEL, current, earlier);
    for (String message : result.messages()) {
      problems.add(file.getFileName() + " is not " + LEVEL + " compatible: " + message);
    }
    if (earlier.isEmpty() || !earlier.get(earlier.size() - 1).equals(current)) {
      problems.add(
          file.getFileName()
              + " is not recorded in its history: copy it to "
              + historyDir.resolve(name).resolve("v" + (versions.size() + 1) + ".avsc"));
    }
    return problems;
  }

  private static List<Path> versions(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> p.getFileName().toString().matches("v\\d+\\.avsc"))
          .sorted(Comparator.comparingInt(SchemaHistory::versionOf))
          .toList();
    }
  }

  private static int versionOf(Path p) {
    String n = p.getFileName().toString();
    return Integer.parseInt(n.substring(1, n.length() - ".avsc".length()));
  }

  private static Schema parse(Path file) throws IOException {
    return new Schema.Parser().parse(file.toFile());
  }
}
