package dev.offload.bench.internal;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of one phase: a bar redrawn in place on a terminal, a plain line every few seconds
 * otherwise.
 */
public final class Progress {
  private final PrintStream out;
  private final String phase;
  private final long total;
  private final boolean terminal;
  private final long started = System.nanoTime();
  private final AtomicLong lastPrint = new AtomicLong(System.nanoTime());

  /** Progress of {@code phase} towards {@code total} units, printed to {@code out}. */
  public Progress(PrintStream out, String phase, long total) {
    this.out = out;
    this.phase = phase;
    this.total = total;
    this.terminal = System.console() != null;
  }

  /** Reports that {@code done} units are done; prints at most every 200 ms (terminal) or 5 s. */
  public void update(long done) {
    long now = System.nanoTime();
    long last = lastPrint.get();
    long every = terminal ? 200_000_000L : 5_000_000_000L;
    if (now - last < every || !lastPrint.compareAndSet(last, now)) {
      return;
    }
    print(done, now);
  }

  /** Prints the final state of the phase. */
  public void finish(long done) {
    print(done, System.nanoTime());
    if (terminal) {
      out.println();
    }
  }

  private void print(long done, long now) {
    double seconds = Math.max((now - started) / 1e9, 1e-9);
    double rate = done / seconds;
    long etaSeconds = rate > 0 ? (long) ((total - done) / rate) : -1;
    int width = 30;
    int filled = total == 0 ? width : (int) (width * Math.min(done, total) / total);
    String line =
        String.format(
            "%-28s [%s%s] %,d/%,d  %,.0f/s  ETA %s",
            phase,
            "#".repeat(filled),
            " ".repeat(width - filled),
            done,
            total,
            rate,
            etaSeconds < 0 ? "?" : etaSeconds + "s");
    if (terminal) {
      out.print("\r" + line);
    } else {
      out.println(line);
    }
    out.flush();
  }
}
