package dev.offload.bench.internal.pipeline;

import dev.offload.bench.PipelineMix;
import dev.offload.schemas.BuiltInEventTypes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The events of one benchmark run: event number {@code seq} has a type drawn from the mix (the same
 * for the same number), page views spread over {@code keys} users and over paths under {@code
 * /bench/<run>/}, and documents and sign-ups with ids unique to the run, so the run's effects can
 * be counted apart from earlier data.
 */
public final class EventMix {
  /** {@code page-viewed}. */
  public static final String PAGE_VIEWED = BuiltInEventTypes.PAGE_VIEWED.type();

  /** {@code document-changed}. */
  public static final String DOCUMENT_CHANGED = BuiltInEventTypes.DOCUMENT_CHANGED.type();

  /** {@code user-signed-up}. */
  public static final String USER_SIGNED_UP = BuiltInEventTypes.USER_SIGNED_UP.type();

  private static final int PATHS = 50;

  private final String run;
  private final PipelineMix mix;
  private final int keys;

  /** The events of run {@code run} (lower-case letters and digits). */
  public EventMix(String run, PipelineMix mix, int keys) {
    this.run = run;
    this.mix = mix;
    this.keys = keys;
  }

  /**
   * One event to publish.
   *
   * @param type its event type
   * @param entity the document id or the user id it is about
   * @param path the request path
   * @param json the request body
   */
  public record Request(String type, String entity, String path, String json) {}

  /** Event number {@code seq}. */
  public Request request(long seq) {
    long draw = Long.remainderUnsigned(scramble(seq), 100);
    if (draw < mix.pageViewed()) {
      return pageView(seq);
    }
    if (draw < mix.pageViewed() + mix.documentChanged()) {
      return document(seq);
    }
    return signUp(seq);
  }

  /** The path prefix of every page this run views. */
  public String pathPrefix() {
    return "/bench/" + run + "/";
  }

  private Request pageView(long seq) {
    String user = "user-" + Long.remainderUnsigned(scramble(seq ^ 0x5bd1e995L), keys);
    JsonObject data =
        new JsonObject()
            .put("userId", user)
            .put("path", pathPrefix() + "p" + (seq % PATHS))
            .put("durationMs", 500 + seq % 5_000);
    return request(PAGE_VIEWED, user, user, data);
  }

  private Request document(long seq) {
    // One word, so that a search for the id finds the document by its title.
    String id = "d" + run + "n" + seq;
    JsonObject data =
        new JsonObject()
            .put("id", id)
            .put("title", "Bench document " + id)
            .put("body", "Written by offload bench pipeline, run " + run + ", event " + seq + ".")
            .put("tags", new JsonArray().add("bench"));
    return request(DOCUMENT_CHANGED, id, id, data);
  }

  private Request signUp(long seq) {
    String user = "u" + run + "n" + seq;
    JsonObject data =
        new JsonObject()
            .put("userId", user)
            .put("email", user + "@bench.example")
            .put("name", "Bench user " + seq);
    return request(USER_SIGNED_UP, user, user, data);
  }

  private static Request request(String type, String entity, String key, JsonObject data) {
    String json = new JsonObject().put("key", key).put("data", data).encode();
    return new Request(type, entity, "/v1/events/" + type, json);
  }

  /** SplitMix64's finalizer: consecutive numbers get unrelated draws. */
  public static long scramble(long x) {
    long z = x + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
