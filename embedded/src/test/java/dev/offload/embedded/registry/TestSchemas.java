package dev.offload.embedded.registry;

import org.apache.avro.Schema;

/** Versions of a small record schema, named for how they evolve it. */
final class TestSchemas {
  static final String ID = "{\"name\":\"id\",\"type\":\"string\"}";
  static final String NAME = "{\"name\":\"name\",\"type\":\"string\"}";
  static final String EMAIL = "{\"name\":\"email\",\"type\":\"string\"}";
  static final String EMAIL_WITH_DEFAULT =
      "{\"name\":\"email\",\"type\":\"string\",\"default\":\"\"}";
  static final String ID_AS_INT = "{\"name\":\"id\",\"type\":\"int\"}";

  private TestSchemas() {}

  /** Record {@code test.User} with these field definitions. */
  static Schema user(String... fields) {
    return new Schema.Parser()
        .parse(
            "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"test\",\"fields\":["
                + String.join(",", fields)
                + "]}");
  }

  /** A distinct schema per number, for tests that need many. */
  static Schema numbered(int n) {
    return new Schema.Parser()
        .parse(
            "{\"type\":\"record\",\"name\":\"Event"
                + n
                + "\",\"namespace\":\"test\",\"fields\":["
                + ID
                + "]}");
  }
}
