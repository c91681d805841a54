package dev.offload.schemas;

import dev.offload.schemas.events.DocumentChanged;
import dev.offload.schemas.events.PageViewed;
import dev.offload.schemas.events.PasswordResetRequested;
import dev.offload.schemas.events.UserSignedUp;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The event types whose Avro schemas ship with Offload ({@code src/main/avro}), mapping each type
 * name to its schema and generated class and back.
 */
public final class BuiltInEventTypes {
  /** Package of the classes generated from the built-in schemas (their Avro namespace). */
  public static final String EVENTS_PACKAGE = "dev.offload.schemas.events";

  /** {@code user-signed-up}: a user created an account. */
  public static final BuiltInEventType<UserSignedUp> USER_SIGNED_UP =
      new BuiltInEventType<>("user-signed-up", UserSignedUp.class, UserSignedUp.getClassSchema());

  /** {@code password-reset-requested}: a user asked for a password reset link. */
  public static final BuiltInEventType<PasswordResetRequested> PASSWORD_RESET_REQUESTED =
      new BuiltInEventType<>(
          "password-reset-requested",
          PasswordResetRequested.class,
          PasswordResetRequested.getClassSchema());

  /** {@code document-changed}: a document was created, edited or deleted. */
  public static final BuiltInEventType<DocumentChanged> DOCUMENT_CHANGED =
      new BuiltInEventType<>(
          "document-changed", DocumentChanged.class, DocumentChanged.getClassSchema());

  /** {@code page-viewed}: a user viewed a page. */
  public static final BuiltInEventType<PageViewed> PAGE_VIEWED =
      new BuiltInEventType<>("page-viewed", PageViewed.class, PageViewed.getClassSchema());

  private static final List<BuiltInEventType<?>> ALL =
      List.of(USER_SIGNED_UP, PASSWORD_RESET_REQUESTED, DOCUMENT_CHANGED, PAGE_VIEWED);

  private BuiltInEventTypes() {}

  /** Every built-in event type. */
  public static List<BuiltInEventType<?>> all() {
    return ALL;
  }

  /** The built-in event type named {@code type}, if there is one. */
  public static Optional<BuiltInEventType<?>> byType(String type) {
    return ALL.stream().filter(t -> t.type().equals(type)).findFirst();
  }

  /** The built-in event type whose generated class is {@code recordClass}, if there is one. */
  public static Optional<BuiltInEventType<?>> byClass(Class<?> recordClass) {
    return ALL.stream().filter(t -> t.recordClass().equals(recordClass)).findFirst();
  }

  /** The built-in event type of the record named {@code fullName}, if there is one. */
  public static Optional<BuiltInEventType<?>> bySchemaName(String fullName) {
    return ALL.stream().filter(t -> t.schema().getFullName().equals(fullName)).findFirst();
  }

  /** The schema of the built-in event type {@code type}, if there is one. */
  public static Optional<Schema> schemaOf(String type) {
    return byType(type).map(BuiltInEventType::schema);
  }

  /** Whether {@code type} is a built-in event type. */
  public static boolean isBuiltIn(String type) {
    return byType(type).isPresent();
  }
}
