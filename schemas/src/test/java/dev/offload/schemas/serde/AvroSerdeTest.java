package dev.offload.schemas.serde;

import static dev.offload.schemas.TestSchemas.calls;
import static dev.offload.schemas.TestSchemas.count;
import static dev.offload.schemas.TestSchemas.counting;
import static dev.offload.schemas.TestSchemas.profileV1;
import static dev.offload.schemas.TestSchemas.profileV2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import dev.offload.schemas.events.DocumentChanged;
import dev.offload.schemas.events.PasswordResetRequested;
import dev.offload.schemas.events.UserSignedUp;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
  private static final String TOPIC = "offload.events.user-signed-up";

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  @Test
  void specificRecordRoundTripsAndRegistersUnderTopicValueSubject() {
    AvroSerde<UserSignedUp> serde = AvroSerde.specific(registry, UserSignedUp.class);
    UserSignedUp event = new UserSignedUp("u1", "ann@example.com", "Ann", "fr-FR");

    byte[] bytes = serde.serializer().serialize(TOPIC, event);

    assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(event);
    assertThat(registry.subjects()).containsExactly(TOPIC + "-value");
    assertThat(WireFormat.schemaId(bytes)).isEqualTo(registry.latest(TOPIC + "-value").id());
  }

  @Test
  void logicalTypesAndDefaultsRoundTrip() {
    AvroSerde<PasswordResetRequested> resets =
        AvroSerde.specific(registry, PasswordResetRequested.class);
    PasswordResetRequested reset =
        new PasswordResetRequested(
            "u1", "a@b.c", "https://x/r/1", Instant.ofEpochMilli(1_700_000_000_123L));
    AvroSerde<DocumentChanged> documents = AvroSerde.specific(registry, DocumentChanged.class);
    DocumentChanged document =
        DocumentChanged.newBuilder().setId("d1").setTitle("T").setBody("B").build();

    assertThat(resets.deserializer().deserialize("r", resets.serializer().serialize("r", reset)))
        .isEqualTo(reset);
    DocumentChanged read =
        documents.deserializer().deserialize("d", documents.serializer().serialize("d", document));
    assertThat(read.getTags()).isEmpty();
    assertThat(read.getDeleted()).isFalse();
  }

  @Test
  void genericRecordRoundTrips() {
    AvroSerde<GenericRecord> serde = AvroSerde.generic(registry);
    GenericRecord profile = profile(profileV1(), "u1", "Ann");

    GenericRecord read =
        serde.deserializer().deserialize("p", serde.serializer().serialize("p", profile));

    assertThat(read).isEqualTo(profile);
    assertThat(read.getSchema()).isEqualTo(profileV1());
  }

  @Test
  void genericWriterSpecificReader() {
    byte[] bytes =
        new AvroSerializer<GenericRecord>(registry)
            .serialize(TOPIC, genericUserSignedUp(UserSignedUp.getClassSchema()));

    UserSignedUp read =
        AvroDeserializer.specific(registry, UserSignedUp.class).deserialize(TOPIC, bytes);

    assertThat(read).isEqualTo(new UserSignedUp("u1", "ann@example.com", "Ann", null));
  }

  @Test
  void nullIsATombstone() {
    AvroSerde<UserSignedUp> serde = AvroSerde.specific(registry, UserSignedUp.class);

    assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
    assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
    assertThat(registry.subjects()).isEmpty();
  }

  @Test
  void subjectNamingStrategies() {
    GenericRecord profile = profile(profileV1(), "u1", "Ann");
    AvroSerdeConfig defaults = AvroSerdeConfig.defaults();

    new AvroSerializer<GenericRecord>(registry, defaults.forKeys()).serialize("t", profile);
    new AvroSerializer<GenericRecord>(
            registry, defaults.withSubjectNameStrategy(SubjectNameStrategy.RECORD_NAME))
        .serialize("t", profile);
    new AvroSerializer<GenericRecord>(
            registry, defaults.withSubjectNameStrategy(SubjectNameStrategy.TOPIC_RECORD_NAME))
        .serialize("t", profile);

    assertThat(registry.subjects()).containsExactly("t-key", "t-test.Profile", "test.Profile");
  }

  @Test
  void schemaIdsAreCachedPerSubjectAndSchema() {
    Map<String, AtomicInteger> calls = calls();
    SchemaRegistry counted = counting(registry, calls);
    AvroSerde<GenericRecord> serde = AvroSerde.generic(counted);

    for (int i = 0; i < 3; i++) {
      byte[] bytes = serde.serializer().serialize("p", profile(profileV1(), "u" + i, "Ann"));
      serde.deserializer().deserialize("p", bytes);
    }

    assertThat(count(calls, "register")).isEqualTo(1);
    assertThat(count(calls, "getById")).isEqualTo(1);
  }

  @Test
  void lookupModeFailsForAnUnregisteredSchemaAndUsesTheRegisteredId() {
    AvroSerializer<GenericRecord> serializer =
        new AvroSerializer<>(
            registry, AvroSerdeConfig.defaults().withRegistration(RegistrationMode.LOOKUP));
    GenericRecord profile = profile(profileV1(), "u1", "Ann");

    assertThatThrownBy(() -> serializer.serialize("p", profile))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("subject 'p-value'")
        .hasMessageContaining("topic 'p'")
        .hasMessageContaining("LOOKUP");
    int id = registry.register("p-value", profileV1());
    assertThat(WireFormat.schemaId(serializer.serialize("p", profile))).isEqualTo(id);
    assertThat(registry.versions("p-value")).containsExactly(1);
  }

  @Test
  void useLatestWritesWithTheLatestSchemaAndRefreshesAfterTheTtl() {
    MutableClock clock = new MutableClock();
    registry.register("p-value", profileV1());
    int v2 = registry.register("p-value", profileV2());
    AvroSerializer<GenericRecord> serializer =
        new AvroSerializer<>(
            registry,
            AvroSerdeConfig.defaults()
                .withRegistration(RegistrationMode.USE_LATEST)
                .withLatestCacheTtl(Duration.ofSeconds(30)),
            clock);

    byte[] bytes = serializer.serialize("p", profile(profileV1(), "u1", "Ann"));

    assertThat(WireFormat.schemaId(bytes)).isEqualTo(v2);
    GenericRecord read = AvroDeserializer.generic(registry).deserialize("p", bytes);
    assertThat(read.getSchema()).isEqualTo(profileV2());
    assertThat(read.get("name")).hasToString("Ann");
    assertThat(read.get("nickname")).isNull();

    Schema profileV3 =
        dev.offload.schemas.TestSchemas.schema(
            profileV2()
                .toString()
                .replace("]}", ",{'name':'city','type':'string','default':''}]}"));
    int v3 = registry.register("p-value", profileV3);
    assertThat(WireFormat.schemaId(serializer.serialize("p", profile(profileV1(), "u", "A"))))
        .isEqualTo(v2);
    clock.advance(Duration.ofSeconds(31));
    assertThat(WireFormat.schemaId(serializer.serialize("p", profile(profileV1(), "u", "A"))))
        .isEqualTo(v3);
  }

  @Test
  void incompatibleAutoRegistrationFailsNamingSubjectAndTopic() {
    Schema required =
        dev.offload.schemas.TestSchemas.schema(
            "{'type':'record','name':'Profile','namespace':'test','fields':["
                + "{'name':'id','type':'string'},{'name':'name','type':'string'},"
                + "{'name':'age','type':'int'}]}");
    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>(registry);
    serializer.serialize("p", profile(profileV1(), "u1", "Ann"));
    GenericData.Record withAge = new GenericData.Record(required);
    withAge.put("id", "u2");
    withAge.put("name", "Bob");
    withAge.put("age", 3);

    assertThatThrownBy(() -> serializer.serialize("p", withAge))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("subject 'p-value'")
        .hasMessageContaining("topic 'p'")
        .cause()
        .asInstanceOf(type(RegistryException.class))
        .extracting(RegistryException::errorCode)
        .isEqualTo(RegistryException.INCOMPATIBLE_SCHEMA);
  }

  @Test
  void invalidRecordFailsWithoutQuotingItsData() {
    GenericRecord broken = profile(profileV1(), "secret-id-123", null);

    assertThatThrownBy(() -> new AvroSerializer<GenericRecord>(registry).serialize("p", broken))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("Cannot serialize a record for topic 'p' (subject 'p-value'")
        .hasMessageContaining("name")
        .hasMessageNotContaining("secret-id-123");
  }

  @Test
  void unionMismatchDoesNotLeakTheValue() {
    GenericData.Record event = new GenericData.Record(UserSignedUp.getClassSchema());
    event.put("userId", "u1");
    event.put("email", "e");
    event.put("name", "n");
    event.put("locale", List.of("secret-locale"));

    assertThatThrownBy(() -> new AvroSerializer<GenericRecord>(registry).serialize(TOPIC, event))
        .isInstanceOf(SerializationException.class)
        .hasMessageNotContaining("secret-locale")
        .satisfies(e -> assertThat(e.getCause()).isNull());
  }

  @Test
  void wrongEnumSymbolDoesNotLeakTheValue() {
    Schema withStatus =
        dev.offload.schemas.TestSchemas.schema(
            "{'type':'record','name':'Order','namespace':'test','fields':["
                + "{'name':'status','type':{'type':'enum','name':'Status','symbols':['OPEN']}}]}");
    GenericData.Record order = new GenericData.Record(withStatus);
    order.put(
        "status",
        new GenericData.EnumSymbol(withStatus.getField("status").schema(), "secret-symbol"));

    assertThatThrownBy(() -> new AvroSerializer<GenericRecord>(registry).serialize("o", order))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("does not match its schema")
        .hasMessageNotContaining("secret-symbol")
        .satisfies(e -> assertThat(e.getCause()).isNull());
  }

  @Test
  void useLatestFailsWhenTheRecordCannotBeConvertedNamingTheField() {
    registry.setCompatibility(dev.offload.schemas.registry.CompatibilityLevel.NONE);
    registry.register(
        "p-value",
        dev.offload.schemas.TestSchemas.schema(
            "{'type':'record','name':'Profile','namespace':'test','fields':["
                + "{'name':'id','type':'string'},{'name':'plan','type':'string'}]}"));
    AvroSerializer<GenericRecord> serializer =
        new AvroSerializer<>(
            registry, AvroSerdeConfig.defaults().withRegistration(RegistrationMode.USE_LATEST));

    assertThatThrownBy(() -> serializer.serialize("p", profile(profileV1(), "u1", "Ann")))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("cannot be converted to the latest schema")
        .hasMessageContaining("plan")
        .hasMessageNotContaining("Ann");
  }

  static GenericRecord profile(Schema schema, String id, String name) {
    GenericData.Record record = new GenericData.Record(schema);
    record.put("id", id);
    record.put("name", name);
    return record;
  }

  private static GenericRecord genericUserSignedUp(Schema schema) {
    GenericData.Record record = new GenericData.Record(schema);
    record.put("userId", "u1");
    record.put("email", "ann@example.com");
    record.put("name", "Ann");
    return record;
  }

  /** A clock that tests move by hand. */
  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2030-01-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
