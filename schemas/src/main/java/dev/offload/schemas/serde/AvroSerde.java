package dev.offload.schemas.serde;

import dev.offload.schemas.registry.SchemaRegistry;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * An {@link AvroSerializer} and an {@link AvroDeserializer} on one registry, for Kafka Streams and
 * topic descriptors. Configured at construction: {@link #configure} does nothing.
 *
 * @param <T> the record type
 */
public final class AvroSerde<T extends GenericContainer> implements Serde<T> {
  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  /** A serde of the two halves given. */
  public AvroSerde(AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
    this.serializer = Objects.requireNonNull(serializer, "serializer");
    this.deserializer = Objects.requireNonNull(deserializer, "deserializer");
  }

  /** A value serde for the generated class {@code type}, with the defaults. */
  public static <T extends SpecificRecord> AvroSerde<T> specific(
      SchemaRegistry registry, Class<T> type) {
    return specific(registry, type, AvroSerdeConfig.defaults());
  }

  /** A serde for the generated class {@code type}. */
  public static <T extends SpecificRecord> AvroSerde<T> specific(
      SchemaRegistry registry, Class<T> type, AvroSerdeConfig config) {
    return new AvroSerde<>(
        new AvroSerializer<>(registry, config), AvroDeserializer.specific(registry, type, config));
  }

  /** A value serde for generic records, read in their writer's schema. */
  public static AvroSerde<GenericRecord> generic(SchemaRegistry registry) {
    return generic(registry, null, AvroSerdeConfig.defaults());
  }

  /**
   * A serde for generic records.
   *
   * @param readerSchema the schema records are read into, {@code null} for the writer's own
   */
  public static AvroSerde<GenericRecord> generic(
      SchemaRegistry registry, Schema readerSchema, AvroSerdeConfig config) {
    return new AvroSerde<>(
        new AvroSerializer<>(registry, config),
        AvroDeserializer.generic(registry, readerSchema, config));
  }

  @Override
  public AvroSerializer<T> serializer() {
    return serializer;
  }

  @Override
  public AvroDeserializer<T> deserializer() {
    return deserializer;
  }
}
