package dev.offload.consumers.worker;

/**
 * How a {@link BatchEventHandler} is fed.
 *
 * @param maxEvents the most events in one batch; default {@value #DEFAULT_MAX_EVENTS}, at least 1
 * @param maxBytes the most serialized bytes (keys and values) in one batch, though a single larger
 *     event still forms a batch of its own; default {@value #DEFAULT_MAX_BYTES} (1 MiB), at least 1
 * @param threads batches run at once, each on a thread of its own (for a database handler, each
 *     holds one connection while it runs); default {@value #DEFAULT_THREADS}, at least 1
 */
public record BatchOptions(int maxEvents, long maxBytes, int threads) {
  /** Default of {@link #maxEvents()}. */
  public static final int DEFAULT_MAX_EVENTS = 500;

  /** Default of {@link #maxBytes()}. */
  public static final long DEFAULT_MAX_BYTES = 1 << 20;

  /** Default of {@link #threads()}. */
  public static final int DEFAULT_THREADS = 2;

  /** Validates every field and names the one that is wrong. */
  public BatchOptions {
    if (maxEvents < 1) {
      throw new IllegalArgumentException("batch.maxEvents must be at least 1, was " + maxEvents);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("batch.maxBytes must be at least 1, was " + maxBytes);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("batch.threads must be at least 1, was " + threads);
    }
  }

  /** The defaults listed on the record. */
  public static BatchOptions defaults() {
    return new BatchOptions(DEFAULT_MAX_EVENTS, DEFAULT_MAX_BYTES, DEFAULT_THREADS);
  }

  /** A copy with {@code value} threads. */
  public BatchOptions withThreads(int value) {
    return new BatchOptions(maxEvents, maxBytes, value);
  }
}
