package dev.offload.ops.deadletter;

/**
 * What to redrive.
 *
 * @param group the consumer group whose dead letters are redriven
 * @param exception only dead letters that failed with this exception: its full class name, or its
 *     simple name; {@code null} (the default) for all
 * @param ratePerSecond publish at most this many records per second; 0 (the default) for no limit
 */
public record RedriveRequest(String group, String exception, double ratePerSecond) {

  /** Validates every field and names the one that is wrong. */
  public RedriveRequest {
    if (group == null || group.isBlank()) {
      throw new IllegalArgumentException("group must not be blank");
    }
    if (exception != null && exception.isBlank()) {
      throw new IllegalArgumentException("exception must not be blank when set");
    }
    if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException(
          "ratePerSecond must be 0 (no limit) or positive, was " + ratePerSecond);
    }
  }

  /**
   * A request from the command line's {@code --where} condition: {@code null} or {@code
   * exception=X}.
   *
   * @throws IllegalArgumentException for any other condition
   */
  public static RedriveRequest parse(String group, String where, double ratePerSecond) {
    if (where == null) {
      return new RedriveRequest(group, null, ratePerSecond);
    }
    int eq = where.indexOf('=');
    String field = eq < 0 ? where : where.substring(0, eq).trim();
    if (eq < 0 || !field.equals("exception") || where.substring(eq + 1).isBlank()) {
      throw new IllegalArgumentException(
          "--where must be exception=<class name>, was '" + where + "'");
    }
    return new RedriveRequest(group, where.substring(eq + 1).trim(), ratePerSecond);
  }

  /** Whether {@code deadLetter} is one to redrive. */
  public boolean matches(DeadLetter deadLetter) {
    if (exception == null) {
      return true;
    }
    String cls = deadLetter.exceptionClass();
    return cls.equals(exception) || cls.endsWith("." + exception) || cls.endsWith("$" + exception);
  }
}
