package dev.offload.consumers.testing;

import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import dev.offload.schemas.serde.AvroSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Confluent-framed Avro event records with Offload headers, against an in-memory registry. */
public final class AvroEvents {
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>(registry);

  /** The registry the records' schemas are registered in. */
  public InMemorySchemaRegistry registry() {
    return registry;
  }

  /** A record of {@code value} on {@code topic}'s partition {@code partition}. */
  public ProducerRecord<byte[], byte[]> record(
      String topic,
      Integer partition,
      String key,
      SpecificRecord value,
      String eventId,
      String type,
      Instant occurredAt) {
    byte[] bytes = value == null ? null : serializer.serialize(topic, value);
    var record = new ProducerRecord<>(topic, partition, utf8(key), bytes);
    record.headers().add(OffloadHeaders.EVENT_ID, utf8(eventId));
    record.headers().add(OffloadHeaders.EVENT_TYPE, utf8(type));
    if (occurredAt != null) {
      record.headers().add(OffloadHeaders.OCCURRED_AT, utf8(occurredAt.toString()));
    }
    return record;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
