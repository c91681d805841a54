package dev.offload.streams;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import org.apache.kafka.streams.StreamsConfig;

/** The processing guarantee a topology runs with. */
public enum ProcessingGuarantee {
  /** Each record's effects (outputs, state, offsets) commit atomically: the default. */
  EXACTLY_ONCE_V2(StreamsConfig.EXACTLY_ONCE_V2),
  /** Faster, but a crash replays records since the last commit and may duplicate outputs. */
  AT_LEAST_ONCE(StreamsConfig.AT_LEAST_ONCE);

  private final String kafkaValue;

  ProcessingGuarantee(String kafkaValue) {
    this.kafkaValue = kafkaValue;
  }

  /** The {@code processing.guarantee} value. */
  public String kafkaValue() {
    return kafkaValue;
  }

  /** The name a configuration file gives: {@code exactly-once-v2} or {@code at-least-once}. */
  @JsonValue
  public String fileValue() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * The guarantee a configuration file names, in any case, {@code -} or {@code _}.
   *
   * @throws IllegalArgumentException naming {@code processing-guarantee}
   */
  @JsonCreator
  public static ProcessingGuarantee of(String text) {
    String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    for (ProcessingGuarantee g : values()) {
      if (g.name().equals(name)) {
        return g;
      }
    }
    throw new IllegalArgumentException(
        "processing-guarantee: '" + text + "' is not one of exactly-once-v2, at-least-once");
  }
}
