package dev.offload.bench.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one transaction per event on {@code concurrency} JDBC connections at once, each with
 * auto-commit off: the work of one transaction, then {@code COMMIT}; the latency recorded is the
 * whole transaction.
 */
public final class WriterLoad {
  /** The statements of one transaction, before its commit. */
  @FunctionalInterface
  public interface Transaction {
    /** Runs event {@code seq}'s statements on {@code connection}. */
    void run(Connection connection, long seq) throws SQLException;
  }

  private WriterLoad() {}

  /**
   * Commits events {@code from} (inclusive) to {@code to} (exclusive), spread over the connections.
   *
   * @return elapsed nanoseconds
   */
  public static long run(
      String jdbcUrl,
      String user,
      long from,
      long to,
      int concurrency,
      Transaction transaction,
      Latencies latencies,
      Progress progress)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    AtomicLong next = new AtomicLong(from);
    AtomicLong done = new AtomicLong();
    long start = System.nanoTime();
    try {
      List<Future<Void>> workers = new ArrayList<>();
      for (int w = 0; w < concurrency; w++) {
        workers.add(
            pool.submit(
                () -> {
                  try (Connection c = DriverManager.getConnection(jdbcUrl, user, "")) {
                    c.setAutoCommit(false);
                    for (long seq = next.getAndIncrement();
                        seq < to;
                        seq = next.getAndIncrement()) {
                      long t = System.nanoTime();
                      transaction.run(c, seq);
                      c.commit();
                      latencies.recordNanos(System.nanoTime() - t);
                      progress.update(done.incrementAndGet());
                    }
                  }
                  return null;
                }));
      }
      for (Future<Void> f : workers) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    long elapsed = System.nanoTime() - start;
    progress.finish(done.get());
    return elapsed;
  }
}
