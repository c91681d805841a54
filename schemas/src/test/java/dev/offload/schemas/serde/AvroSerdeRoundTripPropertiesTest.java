package dev.offload.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.schemas.events.DocumentChanged;
import dev.offload.schemas.events.PageViewed;
import dev.offload.schemas.events.UserSignedUp;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.NotBlank;
import net.jqwik.api.constraints.Size;
import org.apache.avro.generic.GenericRecord;

/** Whatever an event holds, it reads back equal, through the wire format. */
class AvroSerdeRoundTripPropertiesTest {
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  @Property(tries = 200)
  void userSignedUpRoundTrips(
      @ForAll String userId,
      @ForAll String email,
      @ForAll String name,
      @ForAll String locale,
      @ForAll boolean withLocale) {
    UserSignedUp event = new UserSignedUp(userId, email, name, withLocale ? locale : null);
    AvroSerde<UserSignedUp> serde = AvroSerde.specific(registry, UserSignedUp.class);

    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", event)))
        .isEqualTo(event);
  }

  @Property(tries = 200)
  void documentChangedRoundTrips(
      @ForAll @NotBlank String id,
      @ForAll String body,
      @ForAll @Size(max = 5) List<String> tags,
      @ForAll boolean deleted) {
    DocumentChanged event = new DocumentChanged(id, "title", body, tags, deleted);
    AvroSerde<DocumentChanged> serde = AvroSerde.specific(registry, DocumentChanged.class);

    assertThat(serde.deserializer().deserialize("d", serde.serializer().serialize("d", event)))
        .isEqualTo(event);
  }

  @Property(tries = 200)
  void pageViewedRoundTripsAsGenericRecord(
      @ForAll String path, @ForAll long durationMs, @ForAll boolean withReferrer) {
    PageViewed event = new PageViewed("u", path, withReferrer ? "https://r" : null, durationMs);
    byte[] bytes = new AvroSerializer<PageViewed>(registry).serialize("v", event);

    GenericRecord read = AvroDeserializer.generic(registry).deserialize("v", bytes);

    assertThat(read.get("path")).hasToString(path);
    assertThat(read.get("durationMs")).isEqualTo(durationMs);
    assertThat(read.get("referrer") == null).isEqualTo(!withReferrer);
    assertThat(bytes.length).isGreaterThan(WireFormat.HEADER_SIZE);
  }
}
