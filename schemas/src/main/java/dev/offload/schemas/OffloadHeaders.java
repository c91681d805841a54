package dev.offload.schemas;

/**
 * Names of the Kafka record headers that every Offload event carries, as fixed by the design.
 *
 * <p>The envelope of an event (id, type, time, producer, trace) travels in these headers, so the
 * value stays the event's own data.
 */
public final class OffloadHeaders {
  /** Unique id of the event (a UUID); handlers are idempotent on it. */
  public static final String EVENT_ID = "offload-event-id";

  /** The kebab-case event type, for example {@code user-signed-up}. */
  public static final String EVENT_TYPE = "offload-event-type";

  /** When the event happened, ISO-8601 in UTC. */
  public static final String OCCURRED_AT = "offload-occurred-at";

  /** Name of the application that published the event. */
  public static final String PRODUCER = "offload-producer";

  /** W3C trace context of the request that published the event. */
  public static final String TRACEPARENT = "traceparent";

  /** How many times the event has been attempted by a worker. */
  public static final String ATTEMPT = "offload-attempt";

  /**
   * How many times a dead letter has been redriven to its original topic: {@code 1} after the first
   * redrive; absent on an event that was never dead-lettered.
   */
  public static final String REDRIVE_COUNT = "offload-redrive-count";

  /**
   * The id of the replay run that copied the event (a UUID, the same for the whole run); absent on
   * an event that was never replayed.
   */
  public static final String REPLAY_ID = "offload-replay-id";

  private OffloadHeaders() {}
}
