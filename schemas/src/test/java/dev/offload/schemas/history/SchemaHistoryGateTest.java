package dev.offload.schemas.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build fails when a committed schema is edited incompatibly or left out of its history. */
class SchemaHistoryGateTest {
  private static final String V1 =
      "{\"type\":\"record\",\"name\":\"Thing\",\"namespace\":\"t\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"string\"}]}";

  @Test
  void everySchemaInTheRepositoryIsCompatibleWithItsHistory() throws IOException {
    assertThat(SchemaHistory.problems(Path.of("src/main/avro"), Path.of("src/main/avro-history")))
        .as("schema gate (%s)", SchemaHistory.LEVEL)
        .isEmpty();
  }

  @Test
  void anIncompatibleEditIsSpelledOut(@TempDir Path dir) throws IOException {
    String v2 =
        V1.replace(
            "{\"name\":\"id\",\"type\":\"string\"}",
            "{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"owner\",\"type\":\"string\"}");
    Path avro = write(dir.resolve("avro/Thing.avsc"), v2);
    write(dir.resolve("history/Thing/v1.avsc"), V1);

    assertThat(SchemaHistory.problems(avro.getParent(), dir.resolve("history")))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("Thing.avsc is not BACKWARD_TRANSITIVE compatible")
                    .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
                    .contains("owner"));
  }

  @Test
  void aCompatibleEditMustStillBeRecorded(@TempDir Path dir) throws IOException {
    String v2 =
        V1.replace(
            "{\"name\":\"id\",\"type\":\"string\"}",
            "{\"name\":\"id\",\"type\":\"string\"},"
                + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}");
    Path avro = write(dir.resolve("avro/Thing.avsc"), v2);
    write(dir.resolve("history/Thing/v1.avsc"), V1);

    assertThat(SchemaHistory.problems(avro.getParent(), dir.resolve("history")))
        .singleElement()
        .asString()
        .contains("not recorded in its history")
        .contains("v2.avsc");

    write(dir.resolve("history/Thing/v2.avsc"), v2);
    assertThat(SchemaHistory.problems(avro.getParent(), dir.resolve("history"))).isEmpty();
  }

  private static Path write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text);
  }
}
