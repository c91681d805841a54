package dev.offload.producers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import dev.offload.schemas.registry.SchemaVersion;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventSchemasTest {
  private static final Duration TTL = Duration.ofSeconds(5);
  private static final Schema V1 =
      SchemaBuilder.record("Order").fields().requiredString("id").endRecord();
  private static final Schema V2 =
      SchemaBuilder.record("Order")
          .fields()
          .requiredString("id")
          .optionalString("note")
          .endRecord();

  private final Vertx vertx = Vertx.vertx();
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final MutableClock clock = new MutableClock();
  private final EventSchemas schemas = EventSchemas.create(vertx, registry, clock, TTL);

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void subjectsAndTypesMapBothWays() {
    assertThat(EventSchemas.subjectOf("user-signed-up"))
        .isEqualTo("offload.events.user-signed-up-value");
    assertThat(EventSchemas.typeOf("offload.events.user-signed-up-value"))
        .isEqualTo("user-signed-up");
    assertThat(EventSchemas.typeOf("offload.events.user-signed-up-key")).isNull();
    assertThat(EventSchemas.typeOf("offload.events.UserSignedUp-value")).isNull();
    assertThat(EventSchemas.typeOf("other.user-signed-up-value")).isNull();
  }

  @Test
  void latestSchemaIsCachedForTheTtl() throws Exception {
    registry.register(EventSchemas.subjectOf("order"), V1);
    assertThat(latest("order").schema().schema()).isEqualTo(V1);

    registry.register(EventSchemas.subjectOf("order"), V2);
    clock.advance(TTL.minusMillis(1));
    assertThat(latest("order").schema().schema()).isEqualTo(V1);

    clock.advance(Duration.ofMillis(1));
    assertThat(latest("order").schema().schema()).isEqualTo(V2);
  }

  @Test
  void unknownTypeIsNotCachedAndComesWithTheKnownTypes() throws Exception {
    registry.register(EventSchemas.subjectOf("b-type"), V1);
    registry.register(EventSchemas.subjectOf("a-type"), V1);
    registry.register("not-an-event-subject", V1);

    EventSchemas.Lookup missing = latest("order");
    registry.register(EventSchemas.subjectOf("order"), V1);

    assertThat(missing.schema()).isNull();
    assertThat(missing.knownTypes()).containsExactly("a-type", "b-type");
    assertThat(latest("order").schema().version()).isEqualTo(1);
  }

  @Test
  void allListsEventTypesSortedByType() throws Exception {
    registry.register(EventSchemas.subjectOf("zeta"), V1);
    registry.register(EventSchemas.subjectOf("alpha"), V1);
    registry.register(EventSchemas.subjectOf("alpha"), V2);
    registry.register("not-an-event-subject", V1);

    List<SchemaVersion> all = schemas.all().await(10, TimeUnit.SECONDS);

    assertThat(all)
        .extracting(SchemaVersion::subject)
        .containsExactly(EventSchemas.subjectOf("alpha"), EventSchemas.subjectOf("zeta"));
    assertThat(all.get(0).version()).isEqualTo(2);
  }

  @Test
  void builtInsAreRegisteredOnlyWhereTheSubjectHasNoVersion() {
    Schema evolved =
        SchemaBuilder.record("UserSignedUp")
            .namespace(BuiltInEventTypes.EVENTS_PACKAGE)
            .fields()
            .requiredString("userId")
            .requiredString("email")
            .requiredString("name")
            .optionalString("locale")
            .optionalString("referrer")
            .endRecord();
    String users = EventSchemas.subjectOf("user-signed-up");
    registry.register(users, evolved);

    EventSchemas.registerBuiltIns(registry);
    EventSchemas.registerBuiltIns(registry);

    assertThat(registry.versions(users)).containsExactly(1);
    assertThat(registry.latest(users).schema()).isEqualTo(evolved);
    BuiltInEventTypes.all()
        .forEach(
            type -> assertThat(registry.versions(EventSchemas.subjectOf(type.type()))).hasSize(1));
    assertThat(registry.latest(EventSchemas.subjectOf("page-viewed")).schema())
        .isEqualTo(BuiltInEventTypes.PAGE_VIEWED.schema());
  }

  private EventSchemas.Lookup latest(String type) throws Exception {
    return schemas.latest(type).await(10, TimeUnit.SECONDS);
  }

  /** A clock that moves only when told. */
  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2024-05-01T12:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
