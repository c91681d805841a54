package dev.offload.producers.validation;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Event data did not match its schema; carries every {@link Violation} found, in document order (a
 * record's fields in schema order, then its unknown members).
 *
 * <p>At most {@link JsonToAvro#MAX_VIOLATIONS} are kept; {@link #truncated()} tells whether more
 * were found.
 */
public final class ValidationException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final int IN_MESSAGE = 5;

  /** The violations ({@code List} is not {@code Serializable} as a type, hence transient). */
  private final transient List<Violation> violations;

  private final boolean truncated;

  /**
   * An exception listing {@code violations}, at least one.
   *
   * @param truncated whether more violations were found than listed
   */
  public ValidationException(List<Violation> violations, boolean truncated) {
    // No stack trace: invalid data is an expected outcome, not a bug to locate.
    super(summary(violations, truncated), null, false, false);
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("a ValidationException needs at least one violation");
    }
    this.violations = List.copyOf(violations);
    this.truncated = truncated;
  }

  /** Every violation found (the first {@link JsonToAvro#MAX_VIOLATIONS} when truncated). */
  public List<Violation> violations() {
    return violations;
  }

  /** Whether more violations were found than {@link #violations()} lists. */
  public boolean truncated() {
    return truncated;
  }

  private static String summary(List<Violation> violations, boolean truncated) {
    String listed =
        violations.stream()
            .limit(IN_MESSAGE)
            .map(Violation::toString)
            .collect(Collectors.joining("; "));
    boolean more = truncated || violations.size() > IN_MESSAGE;
    return violations.size()
        + (truncated ? "+" : "")
        + " violation(s): "
        + listed
        + (more ? "; …" : "");
  }
}
