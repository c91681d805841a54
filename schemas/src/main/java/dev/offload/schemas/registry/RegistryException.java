package dev.offload.schemas.registry;

/**
 * A schema registry refused or failed a request.
 *
 * <p>Carries the HTTP status and the Confluent error code of the answer ({@code {"error_code":
 * 40401, "message": "..."}}); both are 0 when no registry answered at all (connection refused on
 * every URL). {@link #isRetryable()} tells a transient failure from a definitive refusal.
 */
public class RegistryException extends RuntimeException {
  /** The subject does not exist (HTTP 404). */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** The version does not exist in the subject (HTTP 404). */
  public static final int VERSION_NOT_FOUND = 40402;

  /** No schema has that id, or the subject lacks that schema (HTTP 404). */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** The subject has no compatibility level of its own (HTTP 404). */
  public static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;

  /** The schema is incompatible with an earlier one of the subject (HTTP 409). */
  public static final int INCOMPATIBLE_SCHEMA = 409;

  /** The schema does not parse (HTTP 422). */
  public static final int INVALID_SCHEMA = 42201;

  /** The version is neither a positive integer nor {@code latest} (HTTP 422). */
  public static final int INVALID_VERSION = 42202;

  /** The compatibility level is unknown (HTTP 422). */
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

  /** The registry's backing store failed (HTTP 500). */
  public static final int STORE_ERROR = 50001;

  private static final long serialVersionUID = 1L;

  private final int httpStatus;
  private final int errorCode;

  /** A refusal or failure answered by a registry. */
  public RegistryException(String message, int httpStatus, int errorCode) {
    super(message);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /** A refusal or failure answered by a registry, caused by {@code cause}. */
  public RegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /** A failure without an answer, such as a refused connection. */
  public RegistryException(String message, Throwable cause) {
    super(message, cause);
    this.httpStatus = 0;
    this.errorCode = 0;
  }

  /** HTTP status of the answer, 0 when none came. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Confluent error code of the answer (the HTTP status when the body had none), 0 when none. */
  public int errorCode() {
    return errorCode;
  }

  /** Whether trying again later may succeed: no answer at all, or a 5xx answer. */
  public boolean isRetryable() {
    return httpStatus == 0 || httpStatus >= 500;
  }

  /**
   * Whether the registry answered with error code {@code code}, for example {@link
   * #SUBJECT_NOT_FOUND}.
   */
  public boolean is(int code) {
    return errorCode == code;
  }

  @Override
  public String toString() {
    return getClass().getName()
        + " [HTTP "
        + httpStatus
        + ", error code "
        + errorCode
        + "]: "
        + getMessage();
  }
}
