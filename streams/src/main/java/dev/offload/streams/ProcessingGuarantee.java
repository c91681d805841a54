package dev.offload.streams;

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
}
