package dev.offload.app.internal;

/**
 * The loopback ports of {@code offload dev}.
 *
 * @param api ingest API, health and metrics; default 8080
 * @param kafka Kafka broker; default 9092
 * @param registry schema registry; default 8081
 * @param analytics analytics queries of the streams topology; default 8085
 * @param ops operations dashboard; default 8090
 * @param postgres PostgreSQL; default 0, a free port
 */
public record DevPorts(int api, int kafka, int registry, int analytics, int ops, int postgres) {

  /** Validates every port and names the one out of range. */
  public DevPorts {
    check(api, "api");
    check(kafka, "kafka");
    check(registry, "registry");
    check(analytics, "analytics");
    check(ops, "ops");
    check(postgres, "postgres");
  }

  private static void check(int port, String name) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(
          "--" + name + "-port must be between 0 and 65535, was " + port);
    }
  }
}
