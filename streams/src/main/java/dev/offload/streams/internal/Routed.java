package dev.offload.streams.internal;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A record value on its way to {@code topic}; serializes to the unchanged original bytes.
 *
 * @param topic destination topic
 * @param value the original value bytes
 */
public record Routed(String topic, byte[] value) {
  /** Writes the original bytes; routed values are never read back. */
  public static final Serde<Routed> SERDE =
      Serdes.serdeFrom(
          (topic, routed) -> routed == null ? null : routed.value(),
          (topic, bytes) -> {
            throw new UnsupportedOperationException("routed values are write-only");
          });
}
