package dev.offload.producers.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the API may accept events: an event committed to the outbox before a replication slot
 * exists in the database is never captured (the outbox keeps it only in the WAL, and a slot decodes
 * only what is written after it was made), so while a capture is required and no logical slot
 * exists, events are refused with {@code 503 capture-not-ready}. The database is asked once at
 * start and every {@link #INTERVAL}; while it cannot be asked, the last answer stands (the
 * database's breaker answers its outages). Gauge {@value #READY}: 1 while events are accepted.
 */
public final class CaptureGate {
  private static final Logger log = LoggerFactory.getLogger(CaptureGate.class);

  /** How often the database is asked. */
  public static final Duration INTERVAL = Duration.ofSeconds(1);

  /** 1 while a replication slot exists (or none is required), else 0. */
  public static final String READY = "offload.api.capture.ready";

  private final OutboxStore store;
  private volatile boolean open;
  private volatile Future<Boolean> asking;

  private CaptureGate(OutboxStore store, boolean open) {
    this.store = store;
    this.open = open;
  }

  /** A gate that is always open, for an API that does not require a capture. */
  public static CaptureGate notRequired() {
    return new CaptureGate(null, true);
  }

  /** Asks {@code store}'s database now, waiting up to 5 s, then every {@link #INTERVAL}. */
  public static CaptureGate start(Vertx vertx, OutboxStore store, MeterRegistry registry) {
    CaptureGate gate = new CaptureGate(store, false);
    Gauge.builder(READY, gate, g -> g.open ? 1 : 0)
        .description("1 while a replication slot captures the outbox and events are accepted")
        .register(registry);
    try {
      gate.answer(
          store
              .captureSlotExists()
              .toCompletionStage()
              .toCompletableFuture()
              .get(5, TimeUnit.SECONDS));
    } catch (ExecutionException | TimeoutException e) {
      log.debug("Could not ask the database for replication slots: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!gate.open) {
      // A state, not a fault, on a first deployment (and in offload dev, where the connector starts
      // beside the API): each refused request says so too.
      log.info(
          "No replication slot captures the outbox yet: events are refused (503 capture-not-ready)"
              + " until the connector has started once and made its slot");
    }
    vertx.setPeriodic(INTERVAL.toMillis(), id -> store.captureSlotExists().onSuccess(gate::answer));
    return gate;
  }

  private void answer(boolean slotExists) {
    if (slotExists && !open) {
      log.info("A replication slot captures the outbox: events are accepted");
    } else if (!slotExists && open) {
      log.warn(
          "No replication slot captures the outbox any more: events are refused (503"
              + " capture-not-ready) until one does");
    }
    open = slotExists;
  }

  /**
   * Whether events may be accepted: at once while the gate is open; while it is closed, the
   * database is asked again (one question at a time, shared by the requests that wait on it), so
   * that the first request after the slot is made is accepted.
   */
  public Future<Boolean> ready() {
    if (open || store == null) {
      return Future.succeededFuture(open);
    }
    Future<Boolean> pending = asking;
    if (pending == null) {
      pending =
          store
              .captureSlotExists()
              .map(
                  exists -> {
                    answer(exists);
                    return exists;
                  })
              .onComplete(done -> asking = null);
      asking = pending;
    }
    return pending;
  }

  /** Whether events are accepted, as last answered. */
  public boolean open() {
    return open;
  }
}
