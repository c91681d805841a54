package dev.offload.schemas.serde;

import static dev.offload.schemas.TestSchemas.profileV1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.offload.schemas.registry.InMemorySchemaRegistry;
import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaRegistry;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** What a consumer sees when a record cannot be read: where it is, never what it holds. */
class AvroDeserializerErrorsTest {
  private static final String SECRET = "secret-payload";

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final AvroDeserializer<GenericRecord> deserializer = AvroDeserializer.generic(registry);

  @Test
  void unknownMagicByteNamesTopicPartitionAndOffset() {
    byte[] json = ("{\"id\":\"" + SECRET + "\"}").getBytes();

    assertThatThrownBy(() -> deserializer.deserialize("orders", 3, 42L, json))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("Unknown magic byte")
        .hasMessageContaining("topic 'orders' partition 3 offset 42")
        .hasMessageNotContaining(SECRET)
        .hasMessageNotContaining("7b");
  }

  @Test
  void unknownSchemaIdNamesTheIdTopicPartitionAndOffset() {
    byte[] data =
        HexFormat.of().parseHex("000000006302" + HexFormat.of().formatHex("x".getBytes()));

    assertThatThrownBy(() -> deserializer.deserialize("orders", 0, 7L, data))
        .isInstanceOf(SerializationException.class)
        .hasMessage("Unknown schema id 99 in record from topic 'orders' partition 0 offset 7")
        .cause()
        .asInstanceOf(type(RegistryException.class))
        .extracting(RegistryException::errorCode)
        .isEqualTo(RegistryException.SCHEMA_NOT_FOUND);
  }

  @Test
  void consumerRecordOverloadTakesTheLocationFromTheRecord() {
    ConsumerRecord<byte[], byte[]> record =
        new ConsumerRecord<>("orders", 5, 1234L, null, new byte[] {9, 0, 0, 0, 1, 0});

    assertThatThrownBy(() -> deserializer.deserialize(record))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic 'orders' partition 5 offset 1234");
  }

  @Test
  void keyDeserializerReadsTheKeyOfAConsumerRecord() {
    AvroDeserializer<GenericRecord> keys =
        AvroDeserializer.generic(registry, null, AvroSerdeConfig.defaults().forKeys());
    GenericRecord profile = profile();
    byte[] key = new AvroSerializer<GenericRecord>(registry).serialize("t", profile);

    assertThat(keys.deserialize(new ConsumerRecord<>("t", 0, 0L, key, new byte[] {1})))
        .isEqualTo(profile);
  }

  @Test
  void plainOverloadNamesTheTopicOnly() {
    assertThatThrownBy(() -> deserializer.deserialize("orders", new byte[] {1, 2, 3, 4, 5, 6}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic 'orders'")
        .hasMessageNotContaining("partition");
  }

  @Test
  void tooShortForTheHeader() {
    assertThatThrownBy(() -> deserializer.deserialize("orders", 1, 2L, new byte[] {0, 0, 1}))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("too short")
        .hasMessageContaining("topic 'orders' partition 1 offset 2");
  }

  @Test
  void truncatedAvroDataNamesSchemaIdAndLocationWithoutTheData() {
    byte[] full = new AvroSerializer<GenericRecord>(registry).serialize("orders", profile());
    byte[] truncated = Arrays.copyOf(full, full.length - 4);

    assertThatThrownBy(() -> deserializer.deserialize("orders", 2, 9L, truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("Cannot read Avro data of schema id 1 from topic 'orders'")
        .hasMessageContaining("partition 2 offset 9")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void unreachableRegistryIsReportedWithTheRegistryCause() {
    SchemaRegistry down =
        (SchemaRegistry)
            Proxy.newProxyInstance(
                SchemaRegistry.class.getClassLoader(),
                new Class<?>[] {SchemaRegistry.class},
                (proxy, method, args) -> {
                  throw new RegistryException("registry answered HTTP 503", 503, 503);
                });

    assertThatThrownBy(
            () ->
                AvroDeserializer.generic(down)
                    .deserialize("orders", 0, 1L, new byte[] {0, 0, 0, 0, 5, 0}))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("Cannot fetch schema id 5")
        .hasMessageContaining("topic 'orders' partition 0 offset 1")
        .cause()
        .asInstanceOf(type(RegistryException.class))
        .matches(RegistryException::isRetryable);
  }

  @Test
  void nullReadsAsNull() {
    assertThat(deserializer.deserialize("orders", null)).isNull();
  }

  private static GenericRecord profile() {
    GenericData.Record record = new GenericData.Record(profileV1());
    record.put("id", "u1");
    record.put("name", SECRET);
    return record;
  }
}
