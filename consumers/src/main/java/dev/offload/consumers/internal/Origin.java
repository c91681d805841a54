package dev.offload.consumers.internal;

import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.RetryHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a record was first consumed: its own coordinates, or, for a record read back from a delay
 * topic, the coordinates its retry headers carry.
 *
 * @param topic source topic
 * @param partition source partition
 * @param offset offset in the source partition
 */
public record Origin(String topic, int partition, long offset) {

  /** The origin of {@code record}; {@code fromDelayTopic} says whether to read retry headers. */
  public static Origin of(ConsumerRecord<?, ?> record, boolean fromDelayTopic) {
    if (fromDelayTopic) {
      String topic = HeaderValues.text(record.headers(), RetryHeaders.ORIGINAL_TOPIC);
      long partition = HeaderValues.number(record.headers(), RetryHeaders.ORIGINAL_PARTITION, -1);
      long offset = HeaderValues.number(record.headers(), RetryHeaders.ORIGINAL_OFFSET, -1);
      if (topic != null && partition >= 0 && offset >= 0) {
        return new Origin(topic, (int) partition, offset);
      }
    }
    return new Origin(record.topic(), record.partition(), record.offset());
  }

  /** The source partition. */
  public TopicPartition topicPartition() {
    return new TopicPartition(topic, partition);
  }

  @Override
  public String toString() {
    return topic + "-" + partition + "@" + offset;
  }
}
