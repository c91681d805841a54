package dev.offload.consumers.worker;

/**
 * Names of the meters a worker registers, each tagged {@code group}, {@code handler} and {@code
 * lane} ({@value #LANE_LIVE}, or {@value #LANE_REPLAY} for the replay lane of {@link
 * Worker.Builder#replayLane(double)}). Prometheus shows them with underscores ({@code
 * offload_worker_handled_total}).
 */
public final class WorkerMetricNames {
  /** Counter: records whose handler succeeded. */
  public static final String HANDLED = "offload.worker.handled";

  /** Counter: failed attempts, deserialization failures included. */
  public static final String FAILED = "offload.worker.failed";

  /** Counter: retries scheduled, in place or through a delay topic. */
  public static final String RETRIED = "offload.worker.retried";

  /** Counter: records published to the dead-letter topic; also tagged {@code reason}. */
  public static final String DEAD_LETTERED = "offload.worker.dead.lettered";

  /** Timer with a histogram: duration of each handler attempt. */
  public static final String HANDLER_LATENCY = "offload.worker.handler.latency";

  /** Gauge: records being handled, or waiting in place for a retry. */
  public static final String IN_FLIGHT = "offload.worker.in.flight";

  /** Gauge: records fetched and waiting for their turn or their retry's due time. */
  public static final String BUFFERED = "offload.worker.buffered";

  /** Gauge: assigned partitions that are paused (backpressure or a retry not yet due). */
  public static final String PAUSED_PARTITIONS = "offload.worker.paused.partitions";

  /**
   * Gauge: state of the handler's circuit breaker, 0 closed, 1 open, 2 half-open; only for a
   * binding with a breaker.
   */
  public static final String BREAKER_STATE = "offload.worker.breaker.state";

  /** Counter: times a record waited for an open circuit breaker without spending an attempt. */
  public static final String BREAKER_HELD = "offload.worker.breaker.held";

  /** Counter: attempts held because the schema registry did not answer for a record's schema. */
  public static final String REGISTRY_HELD = "offload.worker.registry.held";

  /**
   * Gauge: records waiting in a delay topic (for their retry, on any member of the group) whose key
   * this worker keeps parked: later records of those keys wait behind them.
   */
  public static final String PARKED_RETRIES = "offload.worker.parked.retries";

  /**
   * Counter: delay-topic records this worker read (outside the group) to find the retries that park
   * its keys: on every assignment of source partitions, and while keys are parked.
   */
  public static final String DELAY_RECORDS_READ = "offload.worker.delay.records.read";

  /**
   * Distribution summary: events per batch handed to a {@link BatchEventHandler}; tagged {@code
   * group} and {@code handler} only.
   */
  public static final String BATCH_SIZE = "offload.worker.batch.size";

  /**
   * Counter: batches that failed and were run again one event at a time; tagged {@code group} and
   * {@code handler} only.
   */
  public static final String BATCH_SPLIT = "offload.worker.batch.split";

  /** Value of the {@code lane} tag for records of the worker's own topics and delay topics. */
  public static final String LANE_LIVE = "live";

  /**
   * Value of the {@code lane} tag for records of the replay lane {@code offload.replay.<group>}.
   */
  public static final String LANE_REPLAY = "replay";

  private WorkerMetricNames() {}
}
