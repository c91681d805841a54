package dev.offload.app.internal;

/**
 * The loopback ports of the handler workers in {@code offload dev}.
 *
 * @param http the workers' endpoints (mailbox, search, page analytics); default 8086
 * @param smtp the embedded SMTP server the email worker sends to; default 2525
 */
public record WorkerPorts(int http, int smtp) {
  /** Default port of the workers' endpoints. */
  public static final int DEFAULT_HTTP = 8086;

  /** Default port of the embedded SMTP server. */
  public static final int DEFAULT_SMTP = 2525;

  /** Validates both ports and names the one out of range. */
  public WorkerPorts {
    check(http, "workers");
    check(smtp, "smtp");
  }

  /** The default ports. */
  public static WorkerPorts defaults() {
    return new WorkerPorts(DEFAULT_HTTP, DEFAULT_SMTP);
  }

  private static void check(int port, String name) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(
          "--" + name + "-port must be between 0 and 65535, was " + port);
    }
  }
}
