package dev.offload.schemas;

import dev.offload.schemas.events.DocumentChanged;
import dev.offload.schemas.events.PageViewed;
import dev.offload.schemas.events.PasswordResetRequested;
import dev.offload.schemas.events.UserSignedUp;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.schemas.serde.AvroSerde;
import dev.offload.schemas.serde.AvroSerdeConfig;
import java.util.Objects;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The typed descriptors of the events topics ({@code offload.events.<type>}) on one schema
 * registry: keys are the aggregate id as a string, values Avro in the Confluent wire format.
 *
 * <p>{@code EventTopics.of(registry).userSignedUp()} is the topic of {@code user-signed-up} events.
 * Immutable; the descriptors of the built-in types are made once per instance.
 */
public final class EventTopics {
  private final SchemaRegistry registry;
  private final AvroSerdeConfig valueConfig;
  private final TopicDescriptor<String, UserSignedUp> userSignedUp;
  private final TopicDescriptor<String, PasswordResetRequested> passwordResetRequested;
  private final TopicDescriptor<String, DocumentChanged> documentChanged;
  private final TopicDescriptor<String, PageViewed> pageViewed;

  private EventTopics(SchemaRegistry registry, AvroSerdeConfig valueConfig) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.valueConfig = Objects.requireNonNull(valueConfig, "valueConfig");
    if (valueConfig.key()) {
      throw new IllegalArgumentException("valueConfig: must be a value configuration, not keys");
    }
    this.userSignedUp = forType(BuiltInEventTypes.USER_SIGNED_UP);
    this.passwordResetRequested = forType(BuiltInEventTypes.PASSWORD_RESET_REQUESTED);
    this.documentChanged = forType(BuiltInEventTypes.DOCUMENT_CHANGED);
    this.pageViewed = forType(BuiltInEventTypes.PAGE_VIEWED);
  }

  /** The events topics on {@code registry}, registering schemas automatically. */
  public static EventTopics of(SchemaRegistry registry) {
    return new EventTopics(registry, AvroSerdeConfig.defaults());
  }

  /** The events topics on {@code registry}, with the value serde options given. */
  public static EventTopics of(SchemaRegistry registry, AvroSerdeConfig valueConfig) {
    return new EventTopics(registry, valueConfig);
  }

  /** {@code offload.events.user-signed-up}. */
  public TopicDescriptor<String, UserSignedUp> userSignedUp() {
    return userSignedUp;
  }

  /** {@code offload.events.password-reset-requested}. */
  public TopicDescriptor<String, PasswordResetRequested> passwordResetRequested() {
    return passwordResetRequested;
  }

  /** {@code offload.events.document-changed}. */
  public TopicDescriptor<String, DocumentChanged> documentChanged() {
    return documentChanged;
  }

  /** {@code offload.events.page-viewed}. */
  public TopicDescriptor<String, PageViewed> pageViewed() {
    return pageViewed;
  }

  /** The topic of a built-in event type, values read into its generated class. */
  public <T extends SpecificRecord> TopicDescriptor<String, T> forType(BuiltInEventType<T> type) {
    return new TopicDescriptor<>(
        type.topic(),
        Serdes.String(),
        AvroSerde.specific(registry, type.recordClass(), valueConfig));
  }

  /**
   * The topic of any event type, values as generic records in their writer's schema; for types that
   * applications define.
   *
   * @throws IllegalArgumentException when {@code eventType} is not a valid type name
   */
  public TopicDescriptor<String, GenericRecord> generic(String eventType) {
    return new TopicDescriptor<>(
        Topics.events(eventType), Serdes.String(), AvroSerde.generic(registry, null, valueConfig));
  }
}
