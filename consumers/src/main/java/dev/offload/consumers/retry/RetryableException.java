package dev.offload.consumers.retry;

/**
 * Marks a transient failure that is worth another attempt (a timeout, a refused connection, a busy
 * sink): the worker retries it with backoff while attempts remain and logs it at WARN.
 *
 * <p>Throw it (or a subclass, or fail the handler's stage with it) to be explicit; it wins over a
 * fatal type further down the cause chain.
 */
public class RetryableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A retryable failure with a message. */
  public RetryableException(String message) {
    super(message);
  }

  /** A retryable failure with a message and its cause. */
  public RetryableException(String message, Throwable cause) {
    super(message, cause);
  }
}
