package dev.offload.schemas.serde;

import static dev.offload.schemas.TestSchemas.calls;
import static dev.offload.schemas.TestSchemas.count;
import static dev.offload.schemas.TestSchemas.counting;
import static dev.offload.schemas.TestSchemas.profileV1;
import static dev.offload.schemas.TestSchemas.profileV2;
import static dev.offload.schemas.TestSchemas.schema;
import static dev.offload.schemas.serde.AvroSerdeTest.profile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.schemas.events.UserSignedUp;
import dev.offload.schemas.registry.CompatibilityLevel;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Records written with one version of a schema, read with another (Avro schema resolution). */
class SchemaEvolutionTest {
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(registry);

  @Test
  void oldWriterNewReaderFillsTheNewOptionalFieldWithItsDefault() {
    byte[] v1 = serializer.serialize("p", profile(profileV1(), "u1", "Ann"));

    GenericRecord read =
        AvroDeserializer.generic(registry, profileV2(), AvroSerdeConfig.defaults())
            .deserialize("p", v1);

    assertThat(read.getSchema()).isEqualTo(profileV2());
    assertThat(read.get("id")).hasToString("u1");
    assertThat(read.get("name")).hasToString("Ann");
    assertThat(read.get("nickname")).isNull();
  }

  @Test
  void newWriterOldReaderDropsTheNewField() {
    GenericRecord v2 = profile(profileV2(), "u1", "Ann");
    v2.put("nickname", "annie");
    serializer.serialize("p", profile(profileV1(), "u0", "Zed"));
    byte[] bytes = serializer.serialize("p", v2);

    GenericRecord read =
        AvroDeserializer.generic(registry, profileV1(), AvroSerdeConfig.defaults())
            .deserialize("p", bytes);

    assertThat(read.getSchema()).isEqualTo(profileV1());
    assertThat(read.get("name")).hasToString("Ann");
    assertThat(read.hasField("nickname")).isFalse();
    assertThat(registry.versions("p-value")).containsExactly(1, 2);
  }

  @Test
  void generatedClassReadsOlderAndNewerVersionsOfItsSchema() {
    Schema older =
        schema(
            "{'type':'record','name':'UserSignedUp','namespace':'dev.offload.schemas.events',"
                + "'fields':[{'name':'userId','type':'string'},{'name':'email','type':'string'},"
                + "{'name':'name','type':'string'}]}");
    Schema newer =
        schema(
            "{'type':'record','name':'UserSignedUp','namespace':'dev.offload.schemas.events',"
                + "'fields':[{'name':'userId','type':'string'},{'name':'email','type':'string'},"
                + "{'name':'name','type':'string'},"
                + "{'name':'locale','type':['null','string'],'default':null},"
                + "{'name':'plan','type':'string','default':'free'}]}");
    AvroDeserializer<UserSignedUp> specific =
        AvroDeserializer.specific(registry, UserSignedUp.class);

    UserSignedUp fromOlder =
        specific.deserialize("u", serializer.serialize("u", user(older, null)));
    UserSignedUp fromNewer =
        specific.deserialize("u", serializer.serialize("u", user(newer, "de")));

    assertThat(fromOlder).isEqualTo(new UserSignedUp("u1", "a@b.c", "Ann", null));
    assertThat(fromNewer).isEqualTo(new UserSignedUp("u1", "a@b.c", "Ann", "de"));
  }

  @Test
  void resolvingReadersAreCachedPerWriterId() {
    Map<String, AtomicInteger> calls = calls();
    AvroDeserializer<GenericRecord> deserializer =
        AvroDeserializer.generic(
            counting(registry, calls), profileV2(), AvroSerdeConfig.defaults());
    byte[] v1 = serializer.serialize("p", profile(profileV1(), "u1", "Ann"));
    byte[] v2 = serializer.serialize("p", profile(profileV2(), "u2", "Bob"));

    for (int i = 0; i < 5; i++) {
      assertThat(deserializer.deserialize("p", v1).get("id")).hasToString("u1");
      assertThat(deserializer.deserialize("p", v2).get("id")).hasToString("u2");
    }

    assertThat(count(calls, "getById")).isEqualTo(2);
  }

  @Test
  void incompatibleReaderFailsNamingTheSchemaIdAndTopic() {
    registry.setCompatibility(CompatibilityLevel.NONE);
    Schema numericName =
        schema(
            "{'type':'record','name':'Profile','namespace':'test','fields':["
                + "{'name':'id','type':'string'},{'name':'name','type':'int'}]}");
    byte[] bytes = serializer.serialize("p", profile(profileV1(), "u1", "Ann"));

    assertThatThrownBy(
            () ->
                AvroDeserializer.generic(registry, numericName, AvroSerdeConfig.defaults())
                    .deserialize("p", 4, 10L, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("schema id 1")
        .hasMessageContaining("topic 'p' partition 4 offset 10")
        .hasMessageContaining("into test.Profile")
        .hasMessageNotContaining("Ann");
  }

  private static GenericRecord user(Schema schema, String locale) {
    GenericData.Record record = new GenericData.Record(schema);
    record.put("userId", "u1");
    record.put("email", "a@b.c");
    record.put("name", "Ann");
    if (schema.getField("locale") != null) {
      record.put("locale", locale);
      record.put("plan", "pro");
    }
    return record;
  }
}
