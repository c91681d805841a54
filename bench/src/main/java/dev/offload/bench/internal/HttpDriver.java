package dev.offload.bench.internal;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Drives HTTP load with a non-blocking client: closed loop (a fixed number of requests in flight,
 * as fast as the server answers) to find saturation, and open loop (a constant arrival rate, each
 * latency measured from the request's intended start so queueing is counted, not hidden).
 *
 * <p>The requests are spread over one event loop per available processor (a client connection lives
 * on the event loop that opened it), so that the driver is not one thread serving every connection
 * while the server under test uses all cores.
 */
public final class HttpDriver implements AutoCloseable {
  private static final long TIMEOUT_MILLIS = 30_000;

  private final Vertx vertx = Vertx.vertx();
  private final HttpClientAgent client;
  private final List<Context> loops;
  private final String host;
  private final int port;

  /** A driver for the server at {@code baseUrl} with at most {@code connections} connections. */
  public HttpDriver(String baseUrl, int connections) {
    URI uri = URI.create(baseUrl);
    this.host = uri.getHost();
    this.port = uri.getPort();
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setPipelining(false),
            new PoolOptions().setHttp1MaxSize(connections));
    this.loops = eventLoops(vertx, Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  /** One context on each of {@code n} event loops (verticle instances go round the loops). */
  private static List<Context> eventLoops(Vertx vertx, int n) {
    List<Context> contexts = new CopyOnWriteArrayList<>();
    try {
      vertx
          .deployVerticle(
              () ->
                  new VerticleBase() {
                    @Override
                    public Future<?> start() {
                      contexts.add(context);
                      return Future.succeededFuture();
                    }
                  },
              new DeploymentOptions().setInstances(n))
          .await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the HTTP driver's event loops", e);
    }
    return List.copyOf(contexts);
  }

  /**
   * What one phase measured.
   *
   * @param accepted requests answered {@code 202}
   * @param failed requests answered otherwise or not at all
   * @param elapsedNanos from the first request to the last answer
   */
  public record Outcome(long accepted, long failed, long elapsedNanos) {
    /** Accepted requests per second. */
    public double perSecond() {
      return accepted / (elapsedNanos / 1e9);
    }
  }

  /**
   * Sends {@code total} requests with {@code inFlight} at a time, each starting when one ends.
   *
   * @param body the JSON body of request number {@code n}
   * @param latencies receives the latency of each accepted request
   */
  public Outcome closedLoop(
      String path,
      long total,
      int inFlight,
      LongFunction<String> body,
      Latencies latencies,
      Progress progress)
      throws Exception {
    AtomicLong next = new AtomicLong();
    Counts counts = new Counts(progress);
    Promise<Void> done = Promise.promise();
    AtomicLong running = new AtomicLong(inFlight);
    long start = System.nanoTime();
    for (int i = 0; i < inFlight; i++) {
      loops
          .get(i % loops.size())
          .runOnContext(
              ignored -> chain(path, total, next, body, latencies, counts, running, done));
    }
    done.future().await(30, TimeUnit.MINUTES);
    progress.finish(counts.done());
    return counts.outcome(System.nanoTime() - start);
  }

  private void chain(
      String path,
      long total,
      AtomicLong next,
      LongFunction<String> body,
      Latencies latencies,
      Counts counts,
      AtomicLong running,
      Promise<Void> done) {
    long n = next.getAndIncrement();
    if (n >= total) {
      if (running.decrementAndGet() == 0) {
        done.tryComplete();
      }
      return;
    }
    long sent = System.nanoTime();
    post(path, body.apply(n))
        .onComplete(
            status -> {
              counts.record(status.succeeded() && status.result() == 202, sent, latencies);
              chain(path, total, next, body, latencies, counts, running, done);
            });
  }

  /**
   * Starts {@code ratePerSecond} requests per second for {@code seconds}, whatever the answers;
   * each latency counts from the moment its request was due, so a server that falls behind shows it
   * in the percentiles (no coordinated omission).
   */
  public Outcome openLoop(
      String path,
      double ratePerSecond,
      double seconds,
      LongFunction<String> body,
      Latencies latencies,
      Progress progress)
      throws Exception {
    long total = (long) (ratePerSecond * seconds);
    double intervalNanos = 1e9 / ratePerSecond;
    Counts counts = new Counts(progress);
    Promise<Void> done = Promise.promise();
    long start = System.nanoTime();
    int k = loops.size();
    for (int j = 0; j < k; j++) {
      int lane = j;
      long[] sent = {lane}; // this loop sends requests lane, lane + k, lane + 2k, ...
      loops
          .get(lane)
          .runOnContext(
              ignored ->
                  vertx.setPeriodic(
                      1,
                      timer -> {
                        long due =
                            Math.min(
                                total, (long) ((System.nanoTime() - start) / intervalNanos) + 1);
                        for (; sent[0] < due; sent[0] += k) {
                          long intended = start + (long) (sent[0] * intervalNanos);
                          post(path, body.apply(sent[0]))
                              .onComplete(
                                  status -> {
                                    counts.record(
                                        status.succeeded() && status.result() == 202,
                                        intended,
                                        latencies);
                                    if (counts.done() == total) {
                                      done.tryComplete();
                                    }
                                  });
                        }
                        if (sent[0] >= total) {
                          vertx.cancelTimer(timer);
                        }
                      }));
    }
    done.future().await(30, TimeUnit.MINUTES);
    progress.finish(counts.done());
    return counts.outcome(System.nanoTime() - start);
  }

  private Future<Integer> post(String path, String json) {
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(host)
            .setPort(port)
            .setURI(path)
            .setIdleTimeout(TIMEOUT_MILLIS)
            .putHeader("Content-Type", "application/json");
    return client
        .request(options)
        .compose(request -> request.send(Buffer.buffer(json)))
        .compose(response -> response.body().map(ignored -> response.statusCode()));
  }

  @Override
  public void close() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static final class Counts {
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Progress progress;

    Counts(Progress progress) {
      this.progress = progress;
    }

    void record(boolean ok, long since, Latencies latencies) {
      if (ok) {
        latencies.recordNanos(System.nanoTime() - since);
        accepted.incrementAndGet();
      } else {
        failed.incrementAndGet();
      }
      progress.update(done());
    }

    long done() {
      return accepted.get() + failed.get();
    }

    Outcome outcome(long elapsed) {
      return new Outcome(accepted.get(), failed.get(), elapsed);
    }
  }
}
