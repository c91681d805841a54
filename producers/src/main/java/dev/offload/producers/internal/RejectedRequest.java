package dev.offload.producers.internal;

/** Thrown by validation when a request cannot be accepted; carries the answer to give. */
public final class RejectedRequest extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The answer (not serializable, so not kept when the exception is serialized). */
  private final transient ApiError error;

  /** A rejection answered with {@code error}. */
  public RejectedRequest(ApiError error) {
    // No stack trace: a rejection is an expected outcome, not a bug to locate.
    super(error.code() + ": " + error.message(), null, false, false);
    this.error = error;
  }

  /** The answer to give. */
  public ApiError error() {
    return error;
  }
}
