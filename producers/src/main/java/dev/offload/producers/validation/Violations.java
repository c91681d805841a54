package dev.offload.producers.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Collects violations up to a limit, and names JSON paths and JSON kinds for their messages. */
final class Violations {
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final int MAX_NAME_ECHO = 80;

  private final int limit;
  private final List<Violation> found = new ArrayList<>();
  private boolean truncated;

  Violations(int limit) {
    this.limit = limit;
  }

  /** Records a violation at {@code path}, unless the limit is reached. */
  void add(String path, String message) {
    if (found.size() < limit) {
      found.add(new Violation(path, message));
    } else {
      truncated = true;
    }
  }

  /** Records {@code expected <what>, got <kind of json>}. */
  void expected(String path, String what, JsonNode json) {
    add(path, "expected " + what + ", got " + kind(json));
  }

  boolean isEmpty() {
    return found.isEmpty() && !truncated;
  }

  /** Throws the violations found, if any. */
  void throwIfAny() {
    if (!isEmpty()) {
      throw new ValidationException(found, truncated);
    }
  }

  /** The path of member {@code name} of the object at {@code parent}. */
  static String member(String parent, String name) {
    if (name.length() <= MAX_NAME_ECHO && PLAIN_NAME.matcher(name).matches()) {
      return parent + "." + name;
    }
    // Bracketed, so a shortened name cannot be mistaken for a real one.
    String shown = name.length() <= MAX_NAME_ECHO ? name : name.substring(0, MAX_NAME_ECHO) + "…";
    return parent + "[\"" + shown.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
  }

  /** The path of element {@code index} of the array at {@code parent}. */
  static String element(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** The JSON kind of {@code json}: object, array, string, number, boolean or null. */
  static String kind(JsonNode json) {
    return switch (json.getNodeType()) {
      case OBJECT, POJO -> "object";
      case ARRAY -> "array";
      case STRING, BINARY -> "string";
      case NUMBER -> "number";
      case BOOLEAN -> "boolean";
      case NULL, MISSING -> "null";
    };
  }
}
