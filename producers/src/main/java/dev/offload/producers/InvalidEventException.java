package dev.offload.producers;

import dev.offload.producers.validation.Violation;
import java.util.List;

/**
 * {@link OutboxWriter#publish} refused an event before writing anything: its type is not kebab-case
 * or has no registered schema, its key is blank or too long, or its data does not match the latest
 * schema of its type.
 *
 * <p>The message is the one the ingest API answers with {@code 400}, and for schema violations
 * {@link #violations()} lists each field at fault ({@code data.email: expected string, got
 * number}), as the API's {@code violations} member does.
 */
public final class InvalidEventException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The violations ({@code List} is not {@code Serializable} as a type, hence transient). */
  private final transient List<Violation> violations;

  InvalidEventException(String message, List<Violation> violations) {
    super(message);
    this.violations = List.copyOf(violations);
  }

  /** Each field of {@code data} that does not match the schema; empty for other refusals. */
  public List<Violation> violations() {
    return violations;
  }
}
