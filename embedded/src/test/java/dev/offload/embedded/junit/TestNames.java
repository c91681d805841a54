package dev.offload.embedded.junit;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Unique names for the resources one test creates on the shared servers, so tests never see each
 * other's data.
 */
public final class TestNames {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000, 36);

  private TestNames() {}

  /** A unique suffix: lower-case letters, digits and underscores. */
  public static String unique(String base) {
    String clean = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    return clean + "_" + RUN + "_" + COUNTER.incrementAndGet();
  }

  /** A unique topic name starting with {@code base}. */
  public static String topic(String base) {
    return unique(base).replace('_', '-');
  }

  /** A unique consumer group id starting with {@code base}. */
  public static String group(String base) {
    return unique(base).replace('_', '-');
  }

  /** A unique PostgreSQL database name (also usable as replication slot name). */
  public static String database(String base) {
    return unique(base);
  }

  /** A unique kebab-case event type, for a per-test {@code offload.events.<type>} topic. */
  public static String eventType(String base) {
    return unique(base).replace('_', '-');
  }
}
