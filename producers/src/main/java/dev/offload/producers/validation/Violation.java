package dev.offload.producers.validation;

import java.util.Objects;

/**
 * One reason why event data does not match its schema.
 *
 * @param field where the fault is, as a JSON path rooted at {@code data}: {@code data.email},
 *     {@code data.tags[2]}, {@code data.address.city}, {@code data.labels["a key"]}
 * @param message what is wrong, for example {@code expected string, got number}
 */
public record Violation(String field, String message) {
  /** Checks that both components are present. */
  public Violation {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
