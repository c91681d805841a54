package dev.offload.bench;

import dev.offload.bench.internal.Progress;
import dev.offload.bench.internal.demo.DemoEvents;
import dev.offload.bench.internal.pipeline.EventMix;
import dev.offload.bench.internal.pipeline.PipelineLoad;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code offload demo} and {@code offload dev --demo}: a gentle, steady stream of realistic mixed
 * events published over HTTP until it is closed, so that every part of a fresh stack has something
 * to show — sign-ups with plausible names and addresses (mailed by the email worker), edited
 * documents with titles and bodies (indexed), page views over a site's paths by fifty users
 * (counted), and one event in {@value DemoEvents#INVALID_EVERY}, the first a few seconds in, that
 * the email worker dead-letters. It prints one line every {@link #REPORT_EVERY} with how many
 * requests were sent, accepted (202) and refused.
 *
 * <p>The events are published open-loop at the rate asked, one second's worth at a time, with the
 * load generator of {@code offload bench pipeline}; without an API key they publish as the built-in
 * app of {@code offload dev}.
 */
public final class DemoLoad implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DemoLoad.class);

  /** Events per second unless asked otherwise. */
  public static final int DEFAULT_RATE = 5;

  /** The highest rate it accepts: a demo, not a load test ({@code offload bench pipeline} is). */
  public static final int MAX_RATE = 1000;

  /** How often it prints its counts. */
  public static final Duration REPORT_EVERY = Duration.ofSeconds(10);

  /**
   * Connections to the API. With 4, a demo at 800 events/s against {@code offload dev} fell behind
   * within seconds: each second's requests waited for the slowest answer of the one before, and
   * 6,871 were sent in the first 10 s, none in the next 20. With 16 it keeps its rate (about 805/s
   * over 44 s, every request accepted).
   */
  private static final int CONNECTIONS = 16;

  private static final long SECOND = 1_000_000_000L;

  private final String apiUrl;
  private final int rate;
  private final PrintWriter out;
  private final PipelineLoad load;
  private final DemoEvents events = new DemoEvents();
  private final Counts total = new Counts();
  private final Thread thread;
  private volatile boolean stopping;

  private DemoLoad(String apiUrl, String apiKey, int rate, PrintWriter out) {
    this.apiUrl = apiUrl;
    this.rate = rate;
    this.out = out;
    this.load =
        new PipelineLoad(
            apiUrl, CONNECTIONS, apiKey == null ? List.of() : List.of(apiKey), this::next);
    this.thread = new Thread(this::publishUntilClosed, "offload-demo");
    this.thread.setDaemon(true);
  }

  /**
   * Starts publishing {@code rate} events per second to the API at {@code apiUrl}, with {@code
   * apiKey} (or none, {@code null}), printing its counts to {@code out}.
   *
   * @throws IllegalArgumentException when the URL is not an http URL with a host, or the rate is
   *     not between 1 and {@value #MAX_RATE}
   */
  public static DemoLoad start(String apiUrl, String apiKey, int rate, PrintWriter out) {
    Objects.requireNonNull(out, "out");
    String url = checkedUrl(apiUrl);
    if (rate < 1 || rate > MAX_RATE) {
      throw new IllegalArgumentException(
          "the demo rate must be 1-" + MAX_RATE + " events/s, was " + rate);
    }
    DemoLoad demo = new DemoLoad(url, apiKey, rate, out);
    demo.print(
        String.format(
            "demo: publishing %d events/s to %s: sign-ups, document changes, page views, and one"
                + " in %d invalid for the dead-letter topic; counts every %d s",
            rate, url, DemoEvents.INVALID_EVERY, REPORT_EVERY.toSeconds()));
    demo.thread.start();
    return demo;
  }

  private static String checkedUrl(String apiUrl) {
    Objects.requireNonNull(apiUrl, "apiUrl");
    String url = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the API URL '" + apiUrl + "' is not a URL", e);
    }
    if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
      throw new IllegalArgumentException(
          "the API URL must be http://host:port (like http://127.0.0.1:8080), was '"
              + apiUrl
              + "'");
    }
    return url;
  }

  /** Requests sent so far. */
  public long sent() {
    return total.sent.get();
  }

  /** Requests answered 202 so far. */
  public long accepted() {
    return total.accepted.get();
  }

  /** Requests refused (answered otherwise, or not at all) so far. */
  public long refused() {
    return total.refused.get();
  }

  private EventMix.Request next(long seq) {
    total.sent.incrementAndGet();
    if (DemoEvents.isInvalid(seq)) {
      total.invalid.incrementAndGet();
    }
    return events.request(seq);
  }

  private void publishUntilClosed() {
    PipelineLoad.Answers answers = answers();
    Progress silent = new Progress(new PrintStream(OutputStream.nullOutputStream()), "demo", rate);
    Counts reported = new Counts();
    long start = System.nanoTime();
    long nextReport = start + REPORT_EVERY.toNanos();
    long seq = 0;
    while (!stopping) {
      // Everything due within the next second. A chunk waits for its last answer, so it ends a
      // little late; the next one makes up for it and the mean rate stays the one asked.
      long due = (long) (rate * ((System.nanoTime() - start) / 1e9 + 1));
      long pause = 0;
      try {
        seq += load.run(rate, (due - seq + 0.5) / rate, seq, answers, silent);
      } catch (Exception e) {
        if (stopping) {
          break;
        }
        log.warn("the demo's load failed, going on in a second: {}", e.toString());
        pause = SECOND;
        // Resume on a new schedule rather than send what was missed in one burst.
        start = System.nanoTime() + pause - (long) (seq * 1e9 / rate);
      }
      if (System.nanoTime() - nextReport >= 0) {
        print(report(reported));
        reported = total.snapshot();
        nextReport += REPORT_EVERY.toNanos();
      }
      parkUntil(Math.max(start + (long) (seq * 1e9 / rate), System.nanoTime() + pause));
    }
  }

  /** Waits until {@code deadline} (a {@link System#nanoTime()}) or until closed. */
  private void parkUntil(long deadline) {
    for (long wait = deadline - System.nanoTime(); wait > 0 && !stopping; ) {
      LockSupport.parkNanos(wait);
      wait = deadline - System.nanoTime();
    }
  }

  private PipelineLoad.Answers answers() {
    return new PipelineLoad.Answers() {
      @Override
      public void accepted(long seq, EventMix.Request request, String eventId, long due, long at) {
        total.accepted.incrementAndGet();
      }

      @Override
      public void refused(long seq, int status, String why) {
        total.refused.incrementAndGet();
        total.refusals.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
      }
    };
  }

  private String report(Counts since) {
    return String.format(
        "demo: last %d s: %,d sent, %,d accepted, %,d refused; since start: %s",
        REPORT_EVERY.toSeconds(),
        total.sent.get() - since.sent.get(),
        total.accepted.get() - since.accepted.get(),
        total.refused.get() - since.refused.get(),
        total.describe());
  }

  private synchronized void print(String line) {
    out.println(line);
    out.flush();
  }

  /** Stops publishing, waits for the requests in flight, and prints the totals. */
  @Override
  public void close() {
    stopping = true;
    LockSupport.unpark(thread);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(35));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      load.close();
    } catch (Exception e) {
      log.warn("closing the demo's HTTP client failed: {}", e.toString());
    }
    print("demo: stopped; " + total.describe());
  }

  /** Counters of requests; refusals by HTTP status, -1 for no answer. */
  private static final class Counts {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong invalid = new AtomicLong();
    final Map<Integer, AtomicLong> refusals = new ConcurrentHashMap<>();

    Counts snapshot() {
      Counts c = new Counts();
      c.sent.set(sent.get());
      c.accepted.set(accepted.get());
      c.refused.set(refused.get());
      return c;
    }

    String describe() {
      String statuses =
          new TreeMap<>(refusals)
              .entrySet().stream()
                  .map(
                      e ->
                          (e.getKey() < 0 ? "no answer" : "HTTP " + e.getKey())
                              + ": "
                              + e.getValue())
                  .collect(Collectors.joining(", "));
      return String.format(
          "%,d sent, %,d accepted, %,d refused%s (%,d invalid, for the dead-letter topic)",
          sent.get(),
          accepted.get(),
          refused.get(),
          statuses.isEmpty() ? "" : " (" + statuses + ")",
          invalid.get());
    }
  }
}
