package dev.offload.schemas.serde;

import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaRegistry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Avro records in the Confluent wire format ({@link WireFormat}), as generic records or as
 * generated classes.
 *
 * <p>The writer's schema is fetched by the id in the data and cached. Data is read into the reader
 * schema of this deserializer (the generated class's, the one given, or else the writer's own) by
 * Avro schema resolution, so a record written with an older or newer compatible schema reads fine;
 * the resolving readers are cached per writer id. {@code null} reads as {@code null}.
 *
 * <p>Failures throw Kafka's {@link SerializationException} naming the topic and, through {@link
 * #deserialize(String, int, long, byte[])} or {@link #deserialize(ConsumerRecord)}, partition and
 * offset; never the data. Loading this class trusts {@code dev.offload.schemas.events} for Avro
 * ({@link AvroTrust}). Configured at construction: {@link #configure} does nothing. Thread-safe.
 *
 * @param <T> the type read: {@link GenericRecord} or a generated class
 */
public final class AvroDeserializer<T extends GenericContainer> implements Deserializer<T> {
  static {
    AvroTrust.trustPackages(BuiltInEventTypes.EVENTS_PACKAGE);
  }

  private final SchemaRegistry registry;
  private final Class<T> type;
  private final Schema readerSchema;
  private final SpecificData specificData;
  private final boolean key;
  private final Map<Integer, Schema> writerSchemas = new ConcurrentHashMap<>();
  private final Map<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();
  private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();

  private AvroDeserializer(
      SchemaRegistry registry, Class<T> type, Schema readerSchema, AvroSerdeConfig config) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.type = type;
    this.readerSchema = readerSchema;
    this.specificData =
        SpecificRecord.class.isAssignableFrom(type) ? SpecificData.getForClass(type) : null;
    this.key = Objects.requireNonNull(config, "config").key();
  }

  /** Reads generic records in the writer's own schema. */
  public static AvroDeserializer<GenericRecord> generic(SchemaRegistry registry) {
    return generic(registry, null, AvroSerdeConfig.defaults());
  }

  /**
   * Reads generic records into {@code readerSchema}.
   *
   * @param readerSchema the schema to read into, {@code null} for the writer's own
   * @param config options; only {@link AvroSerdeConfig#key()} matters here
   */
  public static AvroDeserializer<GenericRecord> generic(
      SchemaRegistry registry, Schema readerSchema, AvroSerdeConfig config) {
    return new AvroDeserializer<>(registry, GenericRecord.class, readerSchema, config);
  }

  /** Reads values into the generated class {@code type}. */
  public static <T extends SpecificRecord> AvroDeserializer<T> specific(
      SchemaRegistry registry, Class<T> type) {
    return specific(registry, type, AvroSerdeConfig.defaults());
  }

  /** Reads into the generated class {@code type}; only {@link AvroSerdeConfig#key()} matters. */
  public static <T extends SpecificRecord> AvroDeserializer<T> specific(
      SchemaRegistry registry, Class<T> type, AvroSerdeConfig config) {
    Objects.requireNonNull(type, "type");
    return new AvroDeserializer<>(registry, type, SpecificData.get().getSchema(type), config);
  }

  /** The schema data is read into, or {@code null} when that is each record's writer schema. */
  public Schema readerSchema() {
    return readerSchema;
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return read(topic, -1, -1, data);
  }

  /** Like {@link #deserialize(String, byte[])}, with partition and offset for error messages. */
  public T deserialize(String topic, int partition, long offset, byte[] data) {
    return read(topic, partition, offset, data);
  }

  /** Reads the key or the value of {@code record}, as {@link AvroSerdeConfig#key()} says. */
  public T deserialize(ConsumerRecord<byte[], byte[]> record) {
    return deserialize(
        record.topic(), record.partition(), record.offset(), key ? record.key() : record.value());
  }

  private T read(String topic, int partition, long offset, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length < WireFormat.HEADER_SIZE) {
      throw new SerializationException(
          "Record from "
              + where(topic, partition, offset)
              + " is too short for the Confluent wire format: "
              + data.length
              + " bytes, the header alone takes "
              + WireFormat.HEADER_SIZE);
    }
    if (data[0] != WireFormat.MAGIC_BYTE) {
      throw new SerializationException(
          "Unknown magic byte in record from "
              + where(topic, partition, offset)
              + ": not the Confluent wire format, which starts with magic byte 0");
    }
    int id = ByteBuffer.wrap(data, 1, 4).getInt();
    DatumReader<Object> reader = readers.get(id);
    if (reader == null) {
      reader = readerFor(id, where(topic, partition, offset));
    }
    Object result;
    try {
      result = reader.read(null, decoder(data));
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "Cannot read Avro data of schema id "
              + id
              + " from "
              + where(topic, partition, offset)
              + " into "
              + describeReader()
              + ": "
              + detail(e),
          e);
    }
    if (!type.isInstance(result)) {
      throw new SerializationException(
          "Record from "
              + where(topic, partition, offset)
              + " (schema id "
              + id
              + ") is not a "
              + type.getName());
    }
    return type.cast(result);
  }

  /** A decoder over the Avro part of {@code data}, reusing this thread's decoder object. */
  private BinaryDecoder decoder(byte[] data) {
    BinaryDecoder decoder =
        DecoderFactory.get()
            .binaryDecoder(
                data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, decoders.get());
    decoders.set(decoder);
    return decoder;
  }

  private DatumReader<Object> readerFor(int id, String where) {
    DatumReader<Object> reader = readers.get(id);
    if (reader == null) {
      Schema writer = writerSchema(id, where);
      Schema reading = readerSchema == null ? writer : readerSchema;
      reader =
          specificData == null
              ? new GenericDatumReader<>(writer, reading, GenericData.get())
              : new SpecificDatumReader<>(writer, reading, specificData);
      readers.putIfAbsent(id, reader);
    }
    return reader;
  }

  private Schema writerSchema(int id, String where) {
    Schema schema = writerSchemas.get(id);
    if (schema != null) {
      return schema;
    }
    try {
      schema = registry.getById(id);
    } catch (RegistryException e) {
      String what =
          e.is(RegistryException.SCHEMA_NOT_FOUND)
              ? "Unknown schema id " + id
              : "Cannot fetch schema id " + id + " (" + e.getMessage() + ")";
      throw new SerializationException(what + " in record from " + where, e);
    }
    writerSchemas.put(id, schema);
    return schema;
  }

  /** Schema resolution errors name fields and types; other messages might quote the data. */
  private static String detail(Exception e) {
    return e instanceof AvroTypeException ? e.getMessage() : e.getClass().getSimpleName();
  }

  private String describeReader() {
    return readerSchema == null ? "the writer's schema" : readerSchema.getFullName();
  }

  /** "topic 't' partition 1 offset 2", leaving out what is unknown (negative). */
  private static String where(String topic, int partition, long offset) {
    StringBuilder where = new StringBuilder("topic '").append(topic).append('\'');
    if (partition >= 0) {
      where.append(" partition ").append(partition);
    }
    if (offset >= 0) {
      where.append(" offset ").append(offset);
    }
    return where.toString();
  }
}
