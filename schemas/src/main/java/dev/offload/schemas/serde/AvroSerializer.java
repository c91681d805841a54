package dev.offload.schemas.serde;

import dev.offload.schemas.config.ConfigChecks;
import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.schemas.registry.SchemaVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records, generic or generated, in the Confluent wire format ({@link WireFormat}).
 *
 * <p>The schema id comes from the {@link SchemaRegistry} as {@link AvroSerdeConfig#registration()}
 * says, under the subject that {@link AvroSerdeConfig#subjectNameStrategy()} names; ids are cached
 * per subject and schema. {@code null} serializes to {@code null} (a tombstone). Failures throw
 * Kafka's {@link SerializationException}, naming topic, subject and schema but never the data.
 * Configured at construction: {@link #configure} does nothing. Thread-safe.
 *
 * @param <T> the record type: {@code GenericRecord}, a generated class, or any {@link
 *     GenericContainer}
 */
public final class AvroSerializer<T extends GenericContainer> implements Serializer<T> {
  private final SchemaRegistry registry;
  private final AvroSerdeConfig config;
  private final Clock clock;
  private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
  private final Map<String, Latest> latest = new ConcurrentHashMap<>();
  private final Map<Schema, DatumWriter<Object>> genericWriters = new ConcurrentHashMap<>();
  private final Map<Schema, DatumWriter<Object>> specificWriters = new ConcurrentHashMap<>();

  private final ThreadLocal<Buffer> buffers = ThreadLocal.withInitial(Buffer::new);
  private final Map<String, Resolved> resolved = new ConcurrentHashMap<>();

  /** A value serializer with the {@link AvroSerdeConfig#defaults() defaults}. */
  public AvroSerializer(SchemaRegistry registry) {
    this(registry, AvroSerdeConfig.defaults());
  }

  /** A serializer with the given options. */
  public AvroSerializer(SchemaRegistry registry, AvroSerdeConfig config) {
    this(registry, config, Clock.systemUTC());
  }

  /** A serializer whose cache of latest versions expires by {@code clock}. */
  public AvroSerializer(SchemaRegistry registry, AvroSerdeConfig config, Clock clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.config = ConfigChecks.check(Objects.requireNonNull(config, "config"));
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    Schema schema = data.getSchema();
    Resolved fast = resolved.get(topic);
    if (fast != null && fast.schema() == schema) {
      // Hot path: the id of this exact schema instance on this topic is already known.
      try {
        return encode(fast.target(), data, fast.writer());
      } catch (IOException | RuntimeException e) {
        // Let the full path below report the failure with its subject.
      }
    }
    String subject = config.subjectNameStrategy().subject(topic, config.key(), schema);
    Target target = target(topic, subject, schema);
    if (config.registration() != RegistrationMode.USE_LATEST && target.schema() == schema) {
      resolved.put(topic, new Resolved(schema, target, writerFor(schema, data)));
    }
    try {
      Object datum = target.schema().equals(schema) ? data : convert(data, target.schema());
      return encode(target, datum);
    } catch (AvroRuntimeException e) {
      // Avro quotes the offending value in these messages (SchemaUtil.describe): withhold them
      throw new SerializationException(
          failure(topic, subject, target)
              + ": the record does not match its schema ("
              + e.getClass().getSimpleName()
              + ")");
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(failure(topic, subject, target) + ": " + e.getMessage(), e);
    }
  }

  private Target target(String topic, String subject, Schema schema) {
    try {
      switch (config.registration()) {
        case USE_LATEST:
          SchemaVersion version = latestVersion(subject);
          return new Target(version.id(), version.schema());
        case LOOKUP:
          return new Target(cachedId(subject, schema, false), schema);
        default:
          return new Target(cachedId(subject, schema, true), schema);
      }
    } catch (RegistryException e) {
      throw new SerializationException(
          "Cannot find the schema id of "
              + schema.getFullName()
              + " in subject '"
              + subject
              + "' for topic '"
              + topic
              + "' ("
              + config.registration()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private int cachedId(String subject, Schema schema, boolean register) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer id = ids.get(key);
    if (id == null) {
      id = register ? registry.register(subject, schema) : registry.lookup(subject, schema).id();
      ids.put(key, id);
    }
    return id;
  }

  private SchemaVersion latestVersion(String subject) {
    Instant now = clock.instant();
    Latest cached = latest.get(subject);
    if (cached != null && now.isBefore(cached.expires())) {
      return cached.version();
    }
    SchemaVersion version = registry.latest(subject);
    latest.put(subject, new Latest(version, now.plus(config.latestCacheTtl())));
    return version;
  }

  /** Rewrites {@code data} into {@code target} by Avro schema resolution. */
  private Object convert(T data, Schema target) throws IOException {
    byte[] own = avro(data.getSchema(), data);
    GenericDatumReader<Object> reader =
        new GenericDatumReader<>(data.getSchema(), target, GenericData.get());
    try {
      return reader.read(null, DecoderFactory.get().binaryDecoder(own, null));
    } catch (AvroTypeException e) {
      // schema resolution messages name fields and types only
      throw new IllegalStateException(
          "the record cannot be converted to the latest schema: " + e.getMessage(), e);
    }
  }

  private byte[] encode(Target target, Object datum) throws IOException {
    return encode(target, datum, writerFor(target.schema(), datum));
  }

  private byte[] encode(Target target, Object datum, DatumWriter<Object> writer)
      throws IOException {
    // One reusable buffer and buffered encoder per thread: only the returned array is allocated.
    Buffer buffer = buffers.get();
    buffer.out.reset();
    int id = target.id();
    byte[] header = buffer.header;
    header[0] = WireFormat.MAGIC_BYTE;
    header[1] = (byte) (id >>> 24);
    header[2] = (byte) (id >>> 16);
    header[3] = (byte) (id >>> 8);
    header[4] = (byte) id;
    buffer.out.write(header, 0, header.length);
    buffer.encoder = EncoderFactory.get().binaryEncoder(buffer.out, buffer.encoder);
    writer.write(datum, buffer.encoder);
    buffer.encoder.flush();
    return buffer.out.toByteArray();
  }

  /** A thread's reusable output buffer and encoder. */
  private static final class Buffer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    private final byte[] header = new byte[WireFormat.HEADER_SIZE];
    private BinaryEncoder encoder;
  }

  private byte[] avro(Schema schema, Object datum) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    write(schema, datum, out);
    return out.toByteArray();
  }

  private void write(Schema schema, Object datum, ByteArrayOutputStream out) throws IOException {
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    writerFor(schema, datum).write(datum, encoder);
    encoder.flush();
  }

  private DatumWriter<Object> writerFor(Schema schema, Object datum) {
    if (datum instanceof SpecificRecord) {
      return specificWriters.computeIfAbsent(
          schema, s -> new SpecificDatumWriter<>(s, SpecificData.getForClass(datum.getClass())));
    }
    return genericWriters.computeIfAbsent(
        schema, s -> new GenericDatumWriter<>(s, GenericData.get()));
  }

  private static String failure(String topic, String subject, Target target) {
    return "Cannot serialize a record for topic '"
        + topic
        + "' (subject '"
        + subject
        + "', schema id "
        + target.id()
        + ")";
  }

  private record SubjectSchema(String subject, Schema schema) {}

  private record Target(int id, Schema schema) {}

  /** A topic's last schema instance and where it goes; only for modes whose id never expires. */
  private record Resolved(Schema schema, Target target, DatumWriter<Object> writer) {}

  private record Latest(SchemaVersion version, Instant expires) {}
}
