package dev.offload.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.offload.schemas.events.DocumentChanged;
import dev.offload.schemas.events.PageViewed;
import dev.offload.schemas.events.PasswordResetRequested;
import dev.offload.schemas.events.UserSignedUp;
import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.Schema.Type;
import org.junit.jupiter.api.Test;

class BuiltInEventTypesTest {
  @Test
  void mapsTypeNamesToSchemasAndClassesAndBack() {
    assertThat(BuiltInEventTypes.all())
        .extracting(BuiltInEventType::type, BuiltInEventType::recordClass, BuiltInEventType::topic)
        .containsExactly(
            tuple("user-signed-up", UserSignedUp.class, "offload.events.user-signed-up"),
            tuple(
                "password-reset-requested",
                PasswordResetRequested.class,
                "offload.events.password-reset-requested"),
            tuple("document-changed", DocumentChanged.class, "offload.events.document-changed"),
            tuple("page-viewed", PageViewed.class, "offload.events.page-viewed"));
    assertThat(BuiltInEventTypes.byType("page-viewed")).contains(BuiltInEventTypes.PAGE_VIEWED);
    assertThat(BuiltInEventTypes.byClass(UserSignedUp.class))
        .contains(BuiltInEventTypes.USER_SIGNED_UP);
    assertThat(BuiltInEventTypes.bySchemaName("dev.offload.schemas.events.DocumentChanged"))
        .contains(BuiltInEventTypes.DOCUMENT_CHANGED);
    assertThat(BuiltInEventTypes.schemaOf("user-signed-up"))
        .contains(UserSignedUp.getClassSchema());
    assertThat(BuiltInEventTypes.byType("order-placed")).isEmpty();
    assertThat(BuiltInEventTypes.isBuiltIn("order-placed")).isFalse();
  }

  @Test
  void schemasLiveInTheEventsNamespace() {
    for (BuiltInEventType<?> type : BuiltInEventTypes.all()) {
      assertThat(type.schema().getNamespace()).isEqualTo(BuiltInEventTypes.EVENTS_PACKAGE);
      assertThat(type.recordClass().getPackageName()).isEqualTo(BuiltInEventTypes.EVENTS_PACKAGE);
      assertThat(type.schema().getType()).isEqualTo(Type.RECORD);
    }
  }

  @Test
  void userSignedUpHasAnOptionalLocale() {
    Schema schema = UserSignedUp.getClassSchema();

    assertThat(fieldNames(schema)).containsExactly("userId", "email", "name", "locale");
    assertOptional(schema.getField("locale"));
  }

  @Test
  void passwordResetRequestedExpiresAtIsATimestamp() {
    Schema expiresAt = PasswordResetRequested.getClassSchema().getField("expiresAt").schema();

    assertThat(fieldNames(PasswordResetRequested.getClassSchema()))
        .containsExactly("userId", "email", "resetUrl", "expiresAt");
    assertThat(expiresAt.getType()).isEqualTo(Type.LONG);
    assertThat(expiresAt.getLogicalType()).isEqualTo(LogicalTypes.timestampMillis());
  }

  @Test
  void documentChangedDefaultsToNoTagsAndNotDeleted() {
    Schema schema = DocumentChanged.getClassSchema();

    assertThat(fieldNames(schema)).containsExactly("id", "title", "body", "tags", "deleted");
    assertThat(schema.getField("tags").schema().getElementType().getType()).isEqualTo(Type.STRING);
    assertThat(schema.getField("tags").defaultVal()).isEqualTo(List.of());
    assertThat(schema.getField("deleted").defaultVal()).isEqualTo(false);
  }

  @Test
  void pageViewedHasAnOptionalReferrer() {
    Schema schema = PageViewed.getClassSchema();

    assertThat(fieldNames(schema)).containsExactly("userId", "path", "referrer", "durationMs");
    assertOptional(schema.getField("referrer"));
    assertThat(schema.getField("durationMs").schema().getType()).isEqualTo(Type.LONG);
  }

  private static void assertOptional(Schema.Field field) {
    assertThat(field.schema().getTypes())
        .extracting(Schema::getType)
        .containsExactly(Type.NULL, Type.STRING);
    assertThat(field.defaultVal()).isEqualTo(JsonProperties.NULL_VALUE);
  }

  private static List<String> fieldNames(Schema schema) {
    return schema.getFields().stream().map(Schema.Field::name).toList();
  }
}
