package dev.offload.consumers.handlers;

import dev.offload.schemas.BuiltInEventType;
import dev.offload.schemas.HeaderValues;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.schemas.serde.AvroDeserializer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Value deserializers for the built-in handlers. A handler's binding takes any {@link Deserializer}
 * of its record type, so the Avro ones here can be swapped for another wire format (a JSON reader
 * producing the same generated classes, for instance) without touching the handler.
 */
public final class EventDeserializers {
  private EventDeserializers() {}

  /** Confluent-framed Avro into the generated class of {@code type}. */
  public static <T extends SpecificRecord> Deserializer<T> avro(
      SchemaRegistry registry, BuiltInEventType<T> type) {
    return AvroDeserializer.specific(registry, type.recordClass());
  }

  /**
   * Confluent-framed Avro for a handler of several event types: each topic {@code
   * offload.events.<type>} is read into the generated class of its type; a record from any other
   * topic is rejected as poison.
   */
  public static Deserializer<SpecificRecord> avroByTopic(
      SchemaRegistry registry, List<BuiltInEventType<?>> types) {
    Map<String, Deserializer<? extends SpecificRecord>> byTopic = new HashMap<>();
    for (BuiltInEventType<?> type : types) {
      byTopic.put(type.topic(), AvroDeserializer.specific(registry, type.recordClass()));
    }
    return byTopic(byTopic);
  }

  /**
   * Confluent-framed Avro for a routed work topic ({@code offload.work.<handler>}), which may carry
   * several event types: each record is read into the generated class of the type its {@code
   * offload-event-type} header names. A record without that header, or of a type outside {@code
   * types}, is rejected as poison.
   */
  public static Deserializer<SpecificRecord> avroByEventType(
      SchemaRegistry registry, List<BuiltInEventType<?>> types) {
    Map<String, Deserializer<? extends SpecificRecord>> byType = new HashMap<>();
    for (BuiltInEventType<?> type : types) {
      byType.put(type.type(), AvroDeserializer.specific(registry, type.recordClass()));
    }
    return byEventType(byType);
  }

  /**
   * Confluent-framed Avro of one event type read from a work topic: as {@link #avroByEventType}
   * with the single type {@code type}, so a record of any other type is poison.
   */
  public static <T extends SpecificRecord> Deserializer<T> avroOfEventType(
      SchemaRegistry registry, BuiltInEventType<T> type) {
    Deserializer<T> avro = AvroDeserializer.specific(registry, type.recordClass());
    Deserializer<SpecificRecord> checked = byEventType(Map.of(type.type(), avro));
    return new Deserializer<>() {
      @Override
      public T deserialize(String topic, byte[] data) {
        return type.recordClass().cast(checked.deserialize(topic, data));
      }

      @Override
      public T deserialize(String topic, Headers headers, byte[] data) {
        return type.recordClass().cast(checked.deserialize(topic, headers, data));
      }
    };
  }

  /** A deserializer that picks one of {@code byType} by the record's event-type header. */
  public static Deserializer<SpecificRecord> byEventType(
      Map<String, Deserializer<? extends SpecificRecord>> byType) {
    Map<String, Deserializer<? extends SpecificRecord>> copy = Map.copyOf(byType);
    return new Deserializer<>() {
      @Override
      public SpecificRecord deserialize(String topic, byte[] data) {
        throw new SerializationException(
            "A record of " + topic + " needs its " + OffloadHeaders.EVENT_TYPE + " header");
      }

      @Override
      public SpecificRecord deserialize(String topic, Headers headers, byte[] data) {
        String type = HeaderValues.text(headers, OffloadHeaders.EVENT_TYPE);
        if (type == null) {
          throw new SerializationException(
              "A record of " + topic + " has no " + OffloadHeaders.EVENT_TYPE + " header");
        }
        Deserializer<? extends SpecificRecord> d = copy.get(type);
        if (d == null) {
          throw new SerializationException(
              "Event type '" + type + "' on " + topic + " is not one of " + copy.keySet());
        }
        return d.deserialize(topic, headers, data);
      }
    };
  }

  /** A deserializer that picks one of {@code byTopic} by the record's (original) topic. */
  public static Deserializer<SpecificRecord> byTopic(
      Map<String, Deserializer<? extends SpecificRecord>> byTopic) {
    Map<String, Deserializer<? extends SpecificRecord>> copy = Map.copyOf(byTopic);
    return new Deserializer<>() {
      @Override
      public SpecificRecord deserialize(String topic, byte[] data) {
        return pick(topic).deserialize(topic, data);
      }

      @Override
      public SpecificRecord deserialize(String topic, Headers headers, byte[] data) {
        return pick(topic).deserialize(topic, headers, data);
      }

      private Deserializer<? extends SpecificRecord> pick(String topic) {
        Deserializer<? extends SpecificRecord> d = copy.get(Objects.requireNonNull(topic));
        if (d == null) {
          throw new SerializationException("No deserializer for topic '" + topic + "'");
        }
        return d;
      }
    };
  }
}
