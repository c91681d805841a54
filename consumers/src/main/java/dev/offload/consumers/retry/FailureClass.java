package dev.offload.consumers.retry;

/** How a handler failure is treated. */
public enum FailureClass {
  /** Tried again with backoff while attempts remain, then dead-lettered. */
  RETRYABLE,

  /** Dead-lettered at once: another attempt cannot succeed. */
  FATAL
}
