package dev.offload.producers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README shows the OutboxWriter example exactly as {@link ReadmeSnippet} compiles it. */
class ReadmeSnippetTest {
  private static final Path SOURCE =
      Path.of("src/test/java/dev/offload/producers/ReadmeSnippet.java");
  private static final Path README = Path.of("../README.md");

  /** The lines between the markers, without the indentation of the method body. */
  static String snippet() throws IOException {
    List<String> lines = Files.readAllLines(SOURCE);
    int start = lines.indexOf("    // readme:start");
    int end = lines.indexOf("    // readme:end");
    assertThat(start).as("readme:start marker").isNotNegative();
    assertThat(end).as("readme:end marker").isGreaterThan(start + 1);
    StringBuilder snippet = new StringBuilder();
    for (String line : lines.subList(start + 1, end)) {
      snippet.append(line.length() >= 4 ? line.substring(4) : line.strip()).append('\n');
    }
    return snippet.toString();
  }

  @Test
  void readmeShowsTheSnippetThatTheBuildCompiles() throws IOException {
    String snippet = snippet();

    assertThat(snippet).contains("outbox.publish(db, \"user-signed-up\"");
    assertThat(Files.readString(README)).contains("```java\n" + snippet + "```\n");
  }
}
