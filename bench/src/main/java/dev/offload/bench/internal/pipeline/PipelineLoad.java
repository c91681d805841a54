package dev.offload.bench.internal.pipeline;

import dev.offload.bench.internal.Progress;
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
 * The open-loop load of {@code offload bench pipeline} and {@code offload demo}: requests start at
 * a constant rate whatever the answers, spread over one Vert.x event loop per processor, each
 * request taking the API key of an app in turn (or none, as the built-in app of {@code offload
 * dev}). Every answer is handed over with the moment its request was due, so that latency counts
 * the queueing of a server that falls behind (no coordinated omission).
 */
public final class PipelineLoad implements AutoCloseable {
  private static final long TIMEOUT_MILLIS = 30_000;

  private final Vertx vertx = Vertx.vertx();
  private final HttpClientAgent client;
  private final List<Context> loops;
  private final String host;
  private final int port;
  private final List<String> apiKeys;
  private final LongFunction<EventMix.Request> events;
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong answered = new AtomicLong();

  /** Receives each answer. */
  public interface Answers {
    /** Event {@code seq} was answered 202 with {@code eventId}. */
    void accepted(long seq, EventMix.Request request, String eventId, long due, long at);

    /**
     * Event {@code seq} was answered {@code status} (-1: no answer), for the reason {@code why}
     * names: the status and the error code of the answer's body, or the failure of the request.
     */
    void refused(long seq, int status, String why);
  }

  /**
   * A load on the API at {@code baseUrl} publishing event number {@code seq} as {@code
   * events.apply(seq)}, with the {@code apiKeys} in turn; with no keys, requests carry none.
   */
  public PipelineLoad(
      String baseUrl,
      int connections,
      List<String> apiKeys,
      LongFunction<EventMix.Request> events) {
    URI uri = URI.create(baseUrl);
    this.host = uri.getHost();
    this.port = uri.getPort();
    this.apiKeys = List.copyOf(apiKeys);
    this.events = events;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setPipelining(false),
            new PoolOptions().setHttp1MaxSize(connections));
    this.loops = eventLoops(Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  private List<Context> eventLoops(int n) {
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
      throw new IllegalStateException("cannot start the load generator's event loops", e);
    }
    return List.copyOf(contexts);
  }

  /** Requests started and not answered yet. */
  public long inFlight() {
    return started.get() - answered.get();
  }

  /**
   * Starts events {@code first}, {@code first + 1}, ... at {@code rate} per second for {@code
   * seconds}, and returns once every one is answered.
   *
   * @return how many were started
   */
  public long run(double rate, double seconds, long first, Answers answers, Progress progress)
      throws Exception {
    long total = Math.max(1, (long) (rate * seconds));
    Phase phase = new Phase(first, total, 1e9 / rate, System.nanoTime(), answers, progress);
    int k = loops.size();
    for (int lane = 0; lane < k; lane++) {
      long[] next = {lane}; // this loop sends lane, lane + k, lane + 2k, ...
      loops
          .get(lane)
          .runOnContext(ignored -> vertx.setPeriodic(1, timer -> sendDue(phase, next, k, timer)));
    }
    phase.finished.future().await(30, TimeUnit.MINUTES);
    progress.finish(phase.done.get());
    return total;
  }

  /** Sends every request of this lane that is due by now; stops the lane's timer at the end. */
  private void sendDue(Phase phase, long[] next, int lanes, long timer) {
    long due =
        Math.min(phase.total, (long) ((System.nanoTime() - phase.start) / phase.interval) + 1);
    for (; next[0] < due; next[0] += lanes) {
      long intended = phase.start + (long) (next[0] * phase.interval);
      send(phase.first + next[0], intended, phase.answers).onComplete(ignored -> phase.answered());
    }
    if (next[0] >= phase.total) {
      vertx.cancelTimer(timer);
    }
  }

  /** One run of {@link #run}: what is due when, and how many were answered. */
  private static final class Phase {
    final long first;
    final long total;
    final double interval;
    final long start;
    final Answers answers;
    final Progress progress;
    final AtomicLong done = new AtomicLong();
    final Promise<Void> finished = Promise.promise();

    Phase(long first, long total, double interval, long start, Answers answers, Progress progress) {
      this.first = first;
      this.total = total;
      this.interval = interval;
      this.start = start;
      this.answers = answers;
      this.progress = progress;
    }

    void answered() {
      long d = done.incrementAndGet();
      progress.update(d);
      if (d == total) {
        finished.tryComplete();
      }
    }
  }

  private Future<Void> send(long seq, long due, Answers answers) {
    EventMix.Request request = events.apply(seq);
    started.incrementAndGet();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(host)
            .setPort(port)
            .setURI(request.path())
            .setIdleTimeout(TIMEOUT_MILLIS)
            .putHeader("Content-Type", "application/json");
    if (!apiKeys.isEmpty()) {
      options.putHeader("Authorization", "Bearer " + apiKeys.get((int) (seq % apiKeys.size())));
    }
    return client
        .request(options)
        .compose(r -> r.send(Buffer.buffer(request.json())))
        .compose(response -> response.body().map(body -> answer(response.statusCode(), body)))
        .map(
            answer -> {
              answered.incrementAndGet();
              if (answer.status() == 202) {
                answers.accepted(seq, request, answer.eventId(), due, System.nanoTime());
              } else {
                answers.refused(seq, answer.status(), answer.why());
              }
              return (Void) null;
            })
        .recover(
            failure -> {
              answered.incrementAndGet();
              answers.refused(seq, -1, "no answer: " + failure);
              return Future.succeededFuture();
            });
  }

  private static Answer answer(int status, Buffer body) {
    if (status != 202) {
      String code = null;
      try {
        code = body.toJsonObject().getString("error");
      } catch (RuntimeException e) {
        // not a JSON error body: the status says it all
      }
      return new Answer(status, null, "HTTP " + status + (code == null ? "" : " " + code));
    }
    String id = body.toJsonObject().getString("eventId");
    return id == null
        ? new Answer(-2, null, "HTTP 202 without an eventId")
        : new Answer(status, id, null);
  }

  private record Answer(int status, String eventId, String why) {}

  @Override
  public void close() throws Exception {
    client.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }
}
