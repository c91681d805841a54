package dev.offload.producers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/** Schemas, subjects and event type names for the integration tests. */
final class TestSchemas {
  private TestSchemas() {}

  /** The registry subject of {@code type}'s values. */
  static String subject(String type) {
    return "offload.events." + type + "-value";
  }

  /** A kebab-case type name no other test uses. */
  static String uniqueType(String prefix) {
    return prefix + "-" + Long.toString(System.nanoTime(), 36);
  }

  /** A record schema named {@code name} with {@code fields} (JSON field definitions). */
  static Schema record(String name, String... fields) {
    return new Schema.Parser()
        .parse(
            "{\"type\":\"record\",\"name\":\""
                + name
                + "\",\"namespace\":\"dev.offload.test\",\"fields\":["
                + String.join(",", fields)
                + "]}");
  }

  /** A schema using every kind of value the API converts ({@code schemas/kitchen-sink.avsc}). */
  static Schema kitchenSink() {
    try (InputStream in = TestSchemas.class.getResourceAsStream("/schemas/kitchen-sink.avsc")) {
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
