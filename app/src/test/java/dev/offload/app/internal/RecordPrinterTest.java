package dev.offload.app.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.schemas.registry.InMemorySchemaRegistry;
import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.schemas.serde.AvroSerializer;
import dev.offload.schemas.serde.WireFormat;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class RecordPrinterTest {
  private static final String TOPIC = "offload.events.user-signed-up";
  private static final Schema SCHEMA =
      SchemaBuilder.record("UserSignedUp")
          .namespace("test")
          .fields()
          .requiredString("userId")
          .requiredString("email")
          .optionalString("locale")
          .endRecord();

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final List<String> warnings = new ArrayList<>();

  @Test
  void avroValuesAreDecodedWithTheRegistryAsJson() {
    byte[] value = avro("u-1", "ada@example.com");
    RecordPrinter printer = RecordPrinter.withRegistry(registry, warnings::add, Clock.systemUTC());

    String printed = printer.format(record(value));

    assertThat(printed)
        .contains("key      user-1")
        .endsWith(
            "value    {\"userId\": \"u-1\", \"email\": \"ada@example.com\", \"locale\": null}");
    assertThat(warnings).isEmpty();
  }

  @Test
  void unreachableRegistryFallsBackToTheDescriptionWarnsOnceAndIsAskedAgainLater() {
    byte[] value = avro("u-1", "ada@example.com");
    int id = WireFormat.schemaId(value);
    AtomicBoolean down = new AtomicBoolean(true);
    MutableClock clock = new MutableClock();
    RecordPrinter printer = RecordPrinter.withRegistry(failing(down), warnings::add, clock);

    String first = printer.value(record(value));
    String second = printer.value(record(value));
    down.set(false);
    String stillResting = printer.value(record(value));
    clock.now = clock.now.plus(RecordPrinter.REGISTRY_RETRY);
    String afterRetry = printer.value(record(value));

    String described = "<avro, schema id " + id + ", " + (value.length - 5) + " bytes>";
    assertThat(first).isEqualTo(described);
    assertThat(second).isEqualTo(described);
    assertThat(stillResting).isEqualTo(described);
    assertThat(warnings).singleElement().asString().contains("cannot reach the schema registry");
    assertThat(afterRetry).contains("\"email\": \"ada@example.com\"");
  }

  @Test
  void unknownSchemaIdIsDescribedWithTheReason() {
    byte[] value = avro("u-1", "ada@example.com");
    RecordPrinter printer =
        RecordPrinter.withRegistry(new InMemorySchemaRegistry(), warnings::add, Clock.systemUTC());

    assertThat(printer.value(record(value)))
        .startsWith("<avro, schema id " + WireFormat.schemaId(value) + ", ")
        .contains("not decoded: Unknown schema id");
    assertThat(warnings).isEmpty();
  }

  @Test
  void jsonAndBinaryValuesPrintAsTextAndHex() {
    RecordPrinter printer = RecordPrinter.withRegistry(registry, warnings::add, Clock.systemUTC());

    assertThat(printer.value(record("{\"seq\":1}".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("{\"seq\":1}");
    assertThat(printer.value(record(new byte[] {(byte) 0xff, 1}))).isEqualTo("0xff01");
    assertThat(printer.value(record(null))).isEqualTo("null");
    assertThat(RecordPrinter.withoutRegistry().value(record(avro("u", "e"))))
        .matches("<avro, schema id \\d+, \\d+ bytes>");
  }

  private byte[] avro(String userId, String email) {
    GenericRecord record = new GenericData.Record(SCHEMA);
    record.put("userId", userId);
    record.put("email", email);
    try (AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(registry)) {
      return serializer.serialize(TOPIC, record);
    }
  }

  private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
    return new ConsumerRecord<>(TOPIC, 0, 7, "user-1".getBytes(StandardCharsets.UTF_8), value);
  }

  /** A registry that answers like {@code registry} unless {@code down}, then like a dead host. */
  private SchemaRegistry failing(AtomicBoolean down) {
    return (SchemaRegistry)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {SchemaRegistry.class},
            (proxy, method, args) -> {
              if (down.get()) {
                throw new RegistryException(
                    "no registry answered", new ConnectException("Connection refused"));
              }
              try {
                return method.invoke(registry, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  private static final class MutableClock extends Clock {
    Instant now = Instant.parse("2025-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
