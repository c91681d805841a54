package dev.offload.producers.internal;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes the API's answers: JSON bodies, and error answers that are also counted. */
public final class Replies {
  private static final String JSON = "application/json; charset=utf-8";
  private static final long MAX_DRAINED_BYTES = 8L * 1024 * 1024;

  private final ApiMetrics metrics;

  /** Replies that count error answers in {@code metrics}. */
  public Replies(ApiMetrics metrics) {
    this.metrics = metrics;
  }

  /** Answers {@code status} with {@code body}, unless the client is gone or already answered. */
  public void json(RoutingContext ctx, int status, JsonObject body) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body.toBuffer());
  }

  /**
   * Answers with {@code error}, adding {@code Retry-After} to a 503 or 429 and {@code
   * WWW-Authenticate} to a 401.
   */
  public void error(RoutingContext ctx, ApiError error) {
    metrics.countRejection(error.code());
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    Long retryAfter = error.retryAfterSeconds();
    if (retryAfter != null) {
      ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
    } else if (error.status() == 503) {
      ctx.response()
          .putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(ApiError.RETRY_AFTER_SECONDS));
    }
    if (error.status() == 401) {
      ctx.response()
          .putHeader(
              "WWW-Authenticate",
              "Bearer realm=\"offload\""
                  + (error.code().equals("missing-api-key") ? "" : ", error=\"invalid_token\""));
    }
    if (!ctx.request().isEnded() && error.status() != 413) {
      // Answered before the body was read (e.g. 401 before a large body): the rest of the body is
      // read and dropped, so the connection stays usable for the next request.
      long[] drained = {0};
      ctx.request()
          .handler(
              chunk -> {
                drained[0] += chunk.length();
                if (drained[0] > MAX_DRAINED_BYTES) {
                  ctx.request().connection().close();
                }
              })
          .resume();
    }
    json(ctx, error.status(), error.toJson());
  }
}
