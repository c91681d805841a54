package dev.offload.connectors.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.data.Json;
import io.debezium.data.Uuid;
import io.debezium.data.VariableScaleDecimal;
import io.debezium.time.Date;
import io.debezium.time.MicroTimestamp;
import io.debezium.time.ZonedTimestamp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Conversions;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

/** Connect schemas and values built as Debezium builds them for PostgreSQL columns. */
class ConnectAvroTest {
  private static final String NS = "offload.changes.public.orders";

  private static final org.apache.kafka.connect.data.Schema ROW =
      SchemaBuilder.struct()
          .name("offload_connector.public.orders.Value")
          .field("small", SchemaBuilder.int16().build())
          .field("id", SchemaBuilder.int32().build())
          .field("big", SchemaBuilder.int64().optional().build())
          .field(
              "amount",
              Decimal.builder(2).parameter("connect.decimal.precision", "10").optional().build())
          .field("ratio", VariableScaleDecimal.builder().optional().build())
          .field("title", SchemaBuilder.string().optional().build())
          .field("status", SchemaBuilder.string().defaultValue("new").build())
          .field("active", SchemaBuilder.bool().optional().build())
          .field("placed_local", MicroTimestamp.builder().optional().build())
          .field("placed_at", ZonedTimestamp.builder().optional().build())
          .field("due", Date.builder().optional().build())
          .field("ref", Uuid.builder().optional().build())
          .field("attrs", Json.builder().optional().build())
          .field("blob", SchemaBuilder.bytes().optional().build())
          .field("score", SchemaBuilder.float64().optional().build())
          .field(
              "tags",
              SchemaBuilder.array(SchemaBuilder.string().optional().build()).optional().build())
          .build();

  @Test
  void mapsEachPostgresColumnTypeToItsAvroForm() {
    Schema avro = ConnectAvro.toAvroSchema(ROW, NS);

    assertThat(avro.getFullName()).isEqualTo(NS + ".Value");
    assertThat(avro.getProp(ConnectAvro.CONNECT_NAME))
        .isEqualTo("offload_connector.public.orders.Value");
    assertThat(type(avro, "small")).isEqualTo(Schema.Type.INT);
    assertThat(type(avro, "id")).isEqualTo(Schema.Type.INT);
    assertThat(plain(avro, "big").getType()).isEqualTo(Schema.Type.LONG);
    assertThat(plain(avro, "amount").getLogicalType()).isEqualTo(LogicalTypes.decimal(10, 2));
    assertThat(plain(avro, "ratio").getType()).isEqualTo(Schema.Type.STRING);
    assertThat(plain(avro, "ratio").getProp(ConnectAvro.CONNECT_NAME))
        .isEqualTo(VariableScaleDecimal.LOGICAL_NAME);
    assertThat(plain(avro, "title").getType()).isEqualTo(Schema.Type.STRING);
    assertThat(type(avro, "status")).isEqualTo(Schema.Type.STRING);
    assertThat(avro.getField("status").defaultVal()).isEqualTo("new");
    assertThat(plain(avro, "active").getType()).isEqualTo(Schema.Type.BOOLEAN);
    assertThat(plain(avro, "placed_local").getLogicalType())
        .isEqualTo(LogicalTypes.localTimestampMicros());
    assertThat(plain(avro, "placed_at").getType()).isEqualTo(Schema.Type.STRING);
    assertThat(plain(avro, "placed_at").getProp(ConnectAvro.CONNECT_NAME))
        .isEqualTo(ZonedTimestamp.SCHEMA_NAME);
    assertThat(plain(avro, "due").getLogicalType()).isEqualTo(LogicalTypes.date());
    assertThat(plain(avro, "ref").getLogicalType()).isEqualTo(LogicalTypes.uuid());
    assertThat(plain(avro, "attrs").getType()).isEqualTo(Schema.Type.STRING);
    assertThat(plain(avro, "blob").getType()).isEqualTo(Schema.Type.BYTES);
    assertThat(plain(avro, "score").getType()).isEqualTo(Schema.Type.DOUBLE);
    assertThat(plain(avro, "tags").getElementType().getTypes().get(1).getType())
        .isEqualTo(Schema.Type.STRING);
    // Optional columns are [null, T] with default null: adding one stays backward compatible.
    assertThat(avro.getField("title").schema().getTypes().get(0).getType())
        .isEqualTo(Schema.Type.NULL);
    assertThat(avro.getField("title").defaultVal()).isEqualTo(JsonProperties.NULL_VALUE);
  }

  @Test
  void convertsValuesSoThatTheyRoundTripThroughAvroBinary() throws IOException {
    Schema avro = ConnectAvro.toAvroSchema(ROW, NS);
    Struct row =
        new Struct(ROW)
            .put("small", (short) 7)
            .put("id", 42)
            .put("big", 9_000_000_000L)
            .put("amount", new BigDecimal("1234.50"))
            .put(
                "ratio",
                new Struct(ROW.field("ratio").schema())
                    .put("scale", 3)
                    .put("value", BigInteger.valueOf(3_14159).toByteArray()))
            .put("title", "Ada's order")
            .put("status", "paid")
            .put("active", true)
            .put("placed_local", 1_700_000_000_123_456L)
            .put("placed_at", "2023-11-14T22:13:20.123456Z")
            .put("due", 19_675)
            .put("ref", "6f1c3c4e-0d1a-4c55-9a35-1f0a2b3c4d5e")
            .put("attrs", "{\"gift\": true}")
            .put("blob", ByteBuffer.wrap(new byte[] {0, (byte) 0xff, 42}))
            .put("score", 0.5)
            .put("tags", List.of("a", "b"));

    GenericRecord read = roundTrip(avro, ConnectAvro.toAvroValue(avro, ROW, row));

    assertThat(read.get("small")).isEqualTo(7);
    assertThat(read.get("id")).isEqualTo(42);
    assertThat(read.get("big")).isEqualTo(9_000_000_000L);
    assertThat(
            new Conversions.DecimalConversion()
                .fromBytes(
                    (ByteBuffer) read.get("amount"),
                    plain(avro, "amount"),
                    plain(avro, "amount").getLogicalType()))
        .isEqualByComparingTo("1234.50");
    assertThat(read.get("ratio").toString()).isEqualTo("314.159");
    assertThat(read.get("title").toString()).isEqualTo("Ada's order");
    assertThat(read.get("status").toString()).isEqualTo("paid");
    assertThat(read.get("active")).isEqualTo(true);
    assertThat(read.get("placed_local")).isEqualTo(1_700_000_000_123_456L);
    assertThat(read.get("placed_at").toString()).isEqualTo("2023-11-14T22:13:20.123456Z");
    assertThat(read.get("due")).isEqualTo(19_675);
    assertThat(read.get("ref").toString()).isEqualTo("6f1c3c4e-0d1a-4c55-9a35-1f0a2b3c4d5e");
    assertThat(read.get("attrs").toString()).isEqualTo("{\"gift\": true}");
    assertThat(bytes((ByteBuffer) read.get("blob"))).containsExactly(0, 0xff, 42);
    assertThat(read.get("score")).isEqualTo(0.5);
    assertThat(read.get("tags").toString()).isEqualTo("[a, b]");
  }

  @Test
  void nullColumnsStayNull() throws IOException {
    Schema avro = ConnectAvro.toAvroSchema(ROW, NS);
    Struct row = new Struct(ROW).put("small", (short) 1).put("id", 1).put("status", "new");

    GenericRecord read = roundTrip(avro, ConnectAvro.toAvroValue(avro, ROW, row));

    assertThat(read.get("title")).isNull();
    assertThat(read.get("amount")).isNull();
    assertThat(read.get("ratio")).isNull();
  }

  @Test
  void theEnvelopeReusesTheRowRecordForBeforeAndAfter() throws IOException {
    org.apache.kafka.connect.data.Schema source =
        SchemaBuilder.struct()
            .name("io.debezium.connector.postgresql.Source")
            .field("db", SchemaBuilder.string().build())
            .field("lsn", SchemaBuilder.int64().optional().build())
            .build();
    org.apache.kafka.connect.data.Schema optionalRow =
        SchemaBuilder.struct()
            .name("offload-connector.public.orders.Value")
            .optional()
            .field("id", SchemaBuilder.int32().build())
            .build();
    org.apache.kafka.connect.data.Schema envelope =
        SchemaBuilder.struct()
            .name("offload-connector.public.orders.Envelope")
            .field("before", optionalRow)
            .field("after", optionalRow)
            .field("source", source)
            .field("op", SchemaBuilder.string().build())
            .build();

    Schema avro = ConnectAvro.toAvroSchema(envelope, NS);
    Struct change =
        new Struct(envelope)
            .put("after", new Struct(optionalRow).put("id", 5))
            .put("source", new Struct(source).put("db", "shop").put("lsn", 77L))
            .put("op", "c");
    GenericRecord read = roundTrip(avro, ConnectAvro.toAvroValue(avro, envelope, change));

    assertThat(avro.getFullName()).isEqualTo(NS + ".Envelope");
    assertThat(avro.getField("before").schema().getTypes().get(1))
        .isSameAs(avro.getField("after").schema().getTypes().get(1));
    assertThat(avro.getField("source").schema().getFullName()).isEqualTo(NS + ".Source");
    // Reparsing the schema's JSON proves it is legal Avro (names, single definitions).
    assertThat(new Schema.Parser().parse(avro.toString())).isEqualTo(avro);
    assertThat(read.get("before")).isNull();
    assertThat(((GenericRecord) read.get("after")).get("id")).isEqualTo(5);
    assertThat(((GenericRecord) read.get("source")).get("lsn")).isEqualTo(77L);
    assertThat(read.get("op").toString()).isEqualTo("c");
  }

  @Test
  void namesAreMadeLegalAvroNames() {
    assertThat(ConnectAvro.avroName("order-lines")).isEqualTo("order_lines");
    assertThat(ConnectAvro.avroName("2fa")).isEqualTo("_2fa");
  }

  @Test
  void aMapWithNonStringKeysIsRefusedNamingTheField() {
    org.apache.kafka.connect.data.Schema schema =
        SchemaBuilder.struct()
            .name("t.Value")
            .field(
                "counts", SchemaBuilder.map(SchemaBuilder.int32(), SchemaBuilder.int32()).build())
            .build();

    assertThatThrownBy(() -> ConnectAvro.toAvroSchema(schema, NS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("field 'counts'")
        .hasMessageContaining("INT32 keys");
  }

  private static Schema.Type type(Schema record, String field) {
    return record.getField(field).schema().getType();
  }

  private static Schema plain(Schema record, String field) {
    Schema schema = record.getField(field).schema();
    return schema.getType() == Schema.Type.UNION ? schema.getTypes().get(1) : schema;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] copy = new byte[buffer.remaining()];
    buffer.duplicate().get(copy);
    return copy;
  }

  private static GenericRecord roundTrip(Schema schema, Object datum) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<>(schema, GenericData.get()).write(datum, encoder);
    encoder.flush();
    return (GenericRecord)
        new GenericDatumReader<>(schema)
            .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
  }
}
