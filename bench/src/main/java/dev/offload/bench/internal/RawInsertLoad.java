package dev.offload.bench.internal;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The baseline of the ingest benchmark at a constant arrival rate: single-row {@code INSERT} +
 * commit over JDBC on {@code connections} connections, each latency counted from the moment its
 * insert was due.
 */
public final class RawInsertLoad {
  private static final long END = Long.MIN_VALUE;

  private RawInsertLoad() {}

  /**
   * Starts {@code ratePerSecond} inserts per second for {@code seconds}.
   *
   * @return the elapsed nanoseconds until the last insert committed
   */
  public static long openLoop(
      String jdbcUrl,
      String user,
      int connections,
      double ratePerSecond,
      double seconds,
      String payload,
      Latencies latencies,
      Progress progress)
      throws Exception {
    long total = (long) (ratePerSecond * seconds);
    double intervalNanos = 1e9 / ratePerSecond;
    LinkedBlockingQueue<Long> due = new LinkedBlockingQueue<>();
    AtomicLong done = new AtomicLong();
    List<Thread> workers = new ArrayList<>();
    List<Exception> failures = new ArrayList<>();
    for (int i = 0; i < connections; i++) {
      Thread worker =
          new Thread(
              () -> {
                try {
                  insertWhenDue(jdbcUrl, user, payload, due, latencies, done, progress);
                } catch (Exception e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                }
              },
              "raw-insert-" + i);
      worker.start();
      workers.add(worker);
    }
    long start = System.nanoTime();
    for (long n = 0; n < total; n++) {
      long intended = start + (long) (n * intervalNanos);
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      due.add(intended);
    }
    for (int i = 0; i < connections; i++) {
      due.add(END);
    }
    for (Thread worker : workers) {
      worker.join(TimeUnit.MINUTES.toMillis(30));
    }
    long elapsed = System.nanoTime() - start;
    progress.finish(done.get());
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    return elapsed;
  }

  private static void insertWhenDue(
      String jdbcUrl,
      String user,
      String payload,
      LinkedBlockingQueue<Long> due,
      Latencies latencies,
      AtomicLong done,
      Progress progress)
      throws SQLException, InterruptedException {
    try (Connection c = DriverManager.getConnection(jdbcUrl, user, "");
        PreparedStatement insert =
            c.prepareStatement("INSERT INTO bench_raw (id, payload) VALUES (?, ?::jsonb)")) {
      while (true) {
        long intended = due.take();
        if (intended == END) {
          return;
        }
        insert.setObject(1, UUID.randomUUID());
        insert.setString(2, payload);
        insert.executeUpdate();
        latencies.recordNanos(System.nanoTime() - intended);
        progress.update(done.incrementAndGet());
      }
    }
  }
}
