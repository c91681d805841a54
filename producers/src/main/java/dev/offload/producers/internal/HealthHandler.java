package dev.offload.producers.internal;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /health/live} and {@code GET /health/ready}.
 *
 * <p>Ready means the database answers and every readiness check holds; the answer lists each check
 * as {@code UP} or {@code DOWN}, the database first.
 */
public final class HealthHandler {
  /** Name of the built-in database check. */
  public static final String DATABASE = "database";

  private static final Logger log = LoggerFactory.getLogger(HealthHandler.class);

  private final Vertx vertx;
  private final OutboxStore store;
  private final Map<String, BooleanSupplier> checks;
  private final Replies replies;

  /** Health of {@code store}'s database plus {@code checks}, evaluated in their map's order. */
  public HealthHandler(
      Vertx vertx, OutboxStore store, Map<String, BooleanSupplier> checks, Replies replies) {
    this.vertx = vertx;
    this.store = store;
    this.checks = checks;
    this.replies = replies;
  }

  /** Answers 200 while the process runs. */
  public void live(RoutingContext ctx) {
    replies.json(ctx, 200, new JsonObject().put("status", "UP"));
  }

  /** Answers 200 when everything is up, else 503; both with every check's state. */
  public void ready(RoutingContext ctx) {
    Future<Boolean> database = store.ping().map(true).otherwise(false);
    // Checks are the caller's code and may block: run them off the event loop.
    Future<Map<String, Boolean>> others = vertx.executeBlocking(this::evaluateChecks, false);
    Future.join(database, others)
        .onComplete(
            done -> {
              Map<String, Boolean> states = new LinkedHashMap<>();
              states.put(DATABASE, database.succeeded() && database.result());
              if (others.succeeded()) {
                states.putAll(others.result());
              } else {
                checks.keySet().forEach(name -> states.put(name, false));
              }
              answer(ctx, states);
            });
  }

  private Map<String, Boolean> evaluateChecks() {
    Map<String, Boolean> states = new LinkedHashMap<>();
    checks.forEach((name, check) -> states.put(name, evaluate(name, check)));
    return states;
  }

  private static boolean evaluate(String name, BooleanSupplier check) {
    try {
      return check.getAsBoolean();
    } catch (RuntimeException e) {
      log.warn("Readiness check '{}' failed: {}", name, e.toString());
      return false;
    }
  }

  private void answer(RoutingContext ctx, Map<String, Boolean> states) {
    boolean up = states.values().stream().allMatch(Boolean::booleanValue);
    JsonObject body = new JsonObject().put("status", up ? "UP" : "DOWN");
    JsonObject detail = new JsonObject();
    states.forEach((name, state) -> detail.put(name, state ? "UP" : "DOWN"));
    replies.json(ctx, up ? 200 : 503, body.put("checks", detail));
  }
}
