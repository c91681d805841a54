package dev.offload.consumers.deadletter;

import dev.offload.schemas.DeadLetterHeaders;
import java.util.Locale;

/** Why a record was dead-lettered, as written in {@link DeadLetterHeaders#REASON}. */
public enum DeadLetterReason {
  /** The value could not be deserialized (poison bytes); never handed to the handler. */
  DESERIALIZATION,

  /** The handler failed with a fatal error; no retry was attempted. */
  FATAL,

  /** The handler failed on every one of the policy's attempts. */
  RETRIES_EXHAUSTED;

  /** The header value: {@code deserialization}, {@code fatal} or {@code retries-exhausted}. */
  public String headerValue() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
