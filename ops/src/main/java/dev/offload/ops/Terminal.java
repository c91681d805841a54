package dev.offload.ops;

/**
 * What the standard output is connected to, so command-line output can decide between colours and
 * carriage-return progress (a terminal) and plain lines (a pipe, a file, a CI log).
 */
public final class Terminal {
  private Terminal() {}

  /** Whether standard output is an interactive terminal ({@code System.console() != null}). */
  public static boolean isInteractive() {
    return System.console() != null;
  }

  /**
   * Whether to colour output: on a terminal, unless the {@code NO_COLOR} environment variable is
   * set to a non-empty value (https://no-color.org).
   */
  public static boolean colourEnabled() {
    return colourEnabled(isInteractive(), System.getenv("NO_COLOR"));
  }

  /** {@link #colourEnabled()} for a given terminal state and {@code NO_COLOR} value. */
  public static boolean colourEnabled(boolean interactive, String noColor) {
    return interactive && (noColor == null || noColor.isEmpty());
  }
}
