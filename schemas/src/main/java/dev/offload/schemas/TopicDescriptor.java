package dev.offload.schemas;

import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * One Kafka topic with the serdes of its keys and values, so that producers, consumers and
 * topologies agree on them. Immutable.
 *
 * @param name the topic name
 * @param keySerde the serde of record keys
 * @param valueSerde the serde of record values
 * @param <K> the key type
 * @param <V> the value type
 */
public record TopicDescriptor<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {
  /** Checks that the name is not blank and that no serde is missing. */
  public TopicDescriptor {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name: a topic name is required");
    }
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
  }
}
