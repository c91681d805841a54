package dev.offload.bench.jmh;

import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.Topics;
import dev.offload.schemas.events.PageViewed;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import dev.offload.schemas.serde.AvroDeserializer;
import dev.offload.schemas.serde.AvroSerializer;
import dev.offload.schemas.serde.AvroTrust;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Serialize + deserialize of one {@code page-viewed} record: Offload's Confluent wire-format serde
 * (framing, schema-id caches, schema resolution) beside Avro's raw {@code BinaryEncoder} and {@code
 * BinaryDecoder} with reused writer, reader, encoder and decoder.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SerdeBenchmark {
  private static final String TOPIC = Topics.events("page-viewed");

  static {
    // The raw reader resolves the generated class too, so it needs the same trust.
    AvroTrust.trustPackages(BuiltInEventTypes.EVENTS_PACKAGE);
  }

  private PageViewed record;
  private AvroSerializer<PageViewed> serializer;
  private AvroDeserializer<PageViewed> deserializer;
  private final SpecificDatumWriter<PageViewed> writer =
      new SpecificDatumWriter<>(PageViewed.class);
  private final SpecificDatumReader<PageViewed> reader =
      new SpecificDatumReader<>(PageViewed.class);
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private BinaryEncoder encoder;
  private BinaryDecoder decoder;
  private PageViewed reuse;

  /** Builds the record and both serdes; the schema id is registered once, as in production. */
  @Setup
  public void setUp() {
    record =
        PageViewed.newBuilder()
            .setUserId("user-4711")
            .setPath("/pricing/enterprise")
            .setReferrer("https://example.com/blog/why-offload")
            .setDurationMs(1234L)
            .build();
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    serializer = new AvroSerializer<>(registry);
    deserializer = AvroDeserializer.specific(registry, PageViewed.class);
    deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, record));
  }

  /** Offload: framed bytes out, record back. */
  @Benchmark
  public PageViewed offloadSerde() {
    return deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, record));
  }

  /** Baseline: Avro binary encoding and decoding, nothing else. */
  @Benchmark
  public PageViewed rawAvro() throws IOException {
    buffer.reset();
    encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
    writer.write(record, encoder);
    encoder.flush();
    decoder = DecoderFactory.get().binaryDecoder(buffer.toByteArray(), decoder);
    reuse = reader.read(null, decoder);
    return reuse;
  }
}
