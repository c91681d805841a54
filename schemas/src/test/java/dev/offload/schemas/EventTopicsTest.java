package dev.offload.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.schemas.events.UserSignedUp;
import dev.offload.schemas.registry.InMemorySchemaRegistry;
import dev.offload.schemas.serde.AvroSerdeConfig;
import dev.offload.schemas.serde.RegistrationMode;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class EventTopicsTest {
  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final EventTopics topics = EventTopics.of(registry);

  @Test
  void userSignedUpTopicCarriesStringKeysAndAvroValues() {
    TopicDescriptor<String, UserSignedUp> topic = topics.userSignedUp();
    UserSignedUp event = new UserSignedUp("u1", "ann@example.com", "Ann", null);

    byte[] key = topic.keySerde().serializer().serialize(topic.name(), "u1");
    byte[] value = topic.valueSerde().serializer().serialize(topic.name(), event);

    assertThat(topic.name()).isEqualTo("offload.events.user-signed-up");
    assertThat(topic.keySerde().deserializer().deserialize(topic.name(), key)).isEqualTo("u1");
    assertThat(topic.valueSerde().deserializer().deserialize(topic.name(), value)).isEqualTo(event);
    assertThat(registry.subjects()).containsExactly("offload.events.user-signed-up-value");
  }

  @Test
  void everyBuiltInTypeHasItsTopic() {
    assertThat(topics.passwordResetRequested().name())
        .isEqualTo("offload.events.password-reset-requested");
    assertThat(topics.documentChanged().name()).isEqualTo("offload.events.document-changed");
    assertThat(topics.pageViewed().name()).isEqualTo("offload.events.page-viewed");
    assertThat(topics.userSignedUp()).isSameAs(topics.userSignedUp());
  }

  @Test
  void genericTopicsForApplicationTypes() {
    TopicDescriptor<String, GenericRecord> topic = topics.generic("order-placed");

    assertThat(topic.name()).isEqualTo("offload.events.order-placed");
    assertThatThrownBy(() -> topics.generic("Order Placed"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void valueOptionsApplyToEveryTopic() {
    EventTopics lookupOnly =
        EventTopics.of(
            registry, AvroSerdeConfig.defaults().withRegistration(RegistrationMode.LOOKUP));

    assertThatThrownBy(
            () ->
                lookupOnly
                    .userSignedUp()
                    .valueSerde()
                    .serializer()
                    .serialize(
                        "offload.events.user-signed-up", new UserSignedUp("u", "e", "n", null)))
        .isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> EventTopics.of(registry, AvroSerdeConfig.defaults().forKeys()))
        .hasMessageStartingWith("valueConfig:");
  }

  @Test
  void descriptorsRejectMissingParts() {
    assertThatThrownBy(
            () ->
                new TopicDescriptor<>(
                    " ", topics.userSignedUp().keySerde(), topics.userSignedUp().valueSerde()))
        .hasMessageStartingWith("name:");
  }
}
