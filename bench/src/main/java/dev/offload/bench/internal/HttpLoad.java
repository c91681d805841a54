package dev.offload.bench.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/** Publishes events over HTTP with a fixed number of requests in flight. */
public final class HttpLoad {
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final URI uri;
  private final int concurrency;
  private final int keys;
  private final String padding;

  /** Publishes to {@code apiUrl}/v1/events/{type}. */
  public HttpLoad(String apiUrl, String type, int concurrency, int keys, int payloadBytes) {
    this.uri = URI.create(apiUrl + "/v1/events/" + type);
    this.concurrency = concurrency;
    this.keys = keys;
    this.padding = "x".repeat(Math.max(0, payloadBytes - 30));
  }

  /** The JSON body of event number {@code seq}. */
  public String body(long seq) {
    return "{\"key\":\"key-"
        + (seq % keys)
        + "\",\"data\":{\"seq\":"
        + seq
        + ",\"pad\":\""
        + padding
        + "\"}}";
  }

  /**
   * Publishes events {@code from} (inclusive) to {@code to} (exclusive).
   *
   * @param onSend called with the sequence number just before each request is sent
   * @param latencies receives each request's latency (send to 202)
   * @return how many were answered 202
   */
  public long publish(
      long from, long to, LongConsumer onSend, Latencies latencies, Progress progress)
      throws InterruptedException {
    Semaphore inFlight = new Semaphore(concurrency);
    AtomicLong accepted = new AtomicLong();
    AtomicLong done = new AtomicLong();
    for (long seq = from; seq < to; seq++) {
      inFlight.acquire();
      long sent = System.nanoTime();
      onSend.accept(seq);
      CompletableFuture<HttpResponse<Void>> response =
          http.sendAsync(request(seq), HttpResponse.BodyHandlers.discarding());
      response.whenComplete(
          (r, e) -> {
            if (e == null && r.statusCode() == 202) {
              latencies.recordNanos(System.nanoTime() - sent);
              accepted.incrementAndGet();
            }
            progress.update(done.incrementAndGet());
            inFlight.release();
          });
    }
    inFlight.acquire(concurrency);
    progress.finish(done.get());
    return accepted.get();
  }

  private HttpRequest request(long seq) {
    return HttpRequest.newBuilder(uri)
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body(seq)))
        .build();
  }
}
