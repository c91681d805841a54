package dev.offload.streams.router;

/**
 * What the router does with an event type that its routing table does not name; a file writes
 * {@code drop} or {@code catch-all}.
 */
public enum UnknownTypes {
  /** Drop it, counting it in metric {@code unknown-type-dropped-total}. */
  DROP,
  /** Send it to the configured catch-all topic. */
  CATCH_ALL
}
