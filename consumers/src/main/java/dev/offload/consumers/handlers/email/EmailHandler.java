package dev.offload.consumers.handlers.email;

import dev.offload.consumers.dedup.ProcessedEventStore;
import dev.offload.consumers.worker.BlockingEventHandler;
import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.runtime.breaker.CircuitBreaker;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.BuiltInEventType;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.Topics;
import dev.offload.schemas.events.PasswordResetRequested;
import dev.offload.schemas.events.UserSignedUp;
import java.util.List;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The email handler: a welcome mail for each {@code user-signed-up}, a reset link for each {@code
 * password-reset-requested}, sent over SMTP once per event id.
 *
 * <p>Each send runs inside {@link ProcessedEventStore#runOnceAround}: a redelivered event finds its
 * mark and sends nothing, a failed send rolls the mark back so the retry sends. The mail's {@code
 * Message-ID} is derived from the event id. An invalid recipient is fatal (dead-lettered at once);
 * SMTP trouble is retryable, and the binding's {@link CircuitBreaker} pauses consumption while the
 * server is down.
 *
 * <pre>{@code
 * Deserializer<SpecificRecord> values = EventDeserializers.avroByTopic(registry, EmailHandler.TYPES);
 * HandlerBinding<SpecificRecord> email = EmailHandler.binding(config, store, values);
 * Worker.builder(WorkerOptions.defaults(bootstrap, "email", EmailHandler.TOPICS), email).start();
 * }</pre>
 */
public final class EmailHandler implements BlockingEventHandler<SpecificRecord> {
  /** Default of the worker's {@code maxInFlight} for this handler. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 64;

  /** The handler's name: the {@code handler} tag of its meters. */
  public static final String NAME = "email";

  /** The event types it handles. */
  public static final List<BuiltInEventType<?>> TYPES =
      List.of(BuiltInEventTypes.USER_SIGNED_UP, BuiltInEventTypes.PASSWORD_RESET_REQUESTED);

  /**
   * The work topic the {@code router} topology fills for this handler, {@code offload.work.email}:
   * what {@code offload worker} and {@code offload dev} consume. Read it with {@code
   * EventDeserializers.avroByEventType}, since its records carry their type in a header.
   */
  public static final String WORK_TOPIC = Topics.work("email");

  /**
   * The event topics it can consume directly (without the router): {@code
   * offload.events.user-signed-up} and {@code …reset-requested}.
   */
  public static final List<String> TOPICS =
      List.of(
          BuiltInEventTypes.USER_SIGNED_UP.topic(),
          BuiltInEventTypes.PASSWORD_RESET_REQUESTED.topic());

  /** Default number of mails sent at once. */
  public static final int DEFAULT_THREADS = 8;

  private static final Logger log = LoggerFactory.getLogger(EmailHandler.class);

  private final EmailTemplates templates;
  private final SmtpMailer mailer;
  private final ProcessedEventStore store;

  /** A handler rendering with {@code templates}, sending with {@code mailer}, marking in store. */
  public EmailHandler(EmailTemplates templates, SmtpMailer mailer, ProcessedEventStore store) {
    this.templates = Objects.requireNonNull(templates, "templates");
    this.mailer = Objects.requireNonNull(mailer, "mailer");
    this.store = Objects.requireNonNull(store, "store");
  }

  /**
   * The binding for a worker: {@value #DEFAULT_THREADS} sending threads and a circuit breaker on
   * the SMTP server with the default policy.
   *
   * @param deserializer reads the values of both topics, e.g. {@code
   *     EventDeserializers.avroByTopic(registry, TYPES)}
   */
  public static HandlerBinding<SpecificRecord> binding(
      EmailConfig config, ProcessedEventStore store, Deserializer<SpecificRecord> deserializer) {
    return binding(
        config,
        store,
        deserializer,
        DEFAULT_THREADS,
        CircuitBreaker.withDefaults(NAME + "@" + config.host() + ":" + config.port()));
  }

  /** The binding with {@code threads} sending threads and the given breaker. */
  public static HandlerBinding<SpecificRecord> binding(
      EmailConfig config,
      ProcessedEventStore store,
      Deserializer<SpecificRecord> deserializer,
      int threads,
      CircuitBreaker breaker) {
    EmailHandler handler =
        new EmailHandler(new EmailTemplates(config.linkBaseUrl()), new SmtpMailer(config), store);
    return HandlerBinding.blocking(NAME, deserializer, handler, threads)
        .withCircuitBreaker(breaker);
  }

  @Override
  public void handle(Event<SpecificRecord> event) throws Exception {
    String eventId = event.headers().eventId();
    if (eventId == null || eventId.isBlank()) {
      throw new IllegalArgumentException("event has no offload-event-id header");
    }
    EmailMessage mail = render(event.value());
    boolean sent =
        store.runOnceAround(
            eventId,
            () ->
                Tracing.sink(
                    "smtp send",
                    List.of(eventId),
                    () -> {
                      mailer.send(mail, eventId);
                      return null;
                    }));
    if (!sent) {
      log.debug("Event {} was mailed before; not sending again", eventId);
    }
  }

  /** The mail for {@code value}; anything but the two handled types is fatal. */
  EmailMessage render(SpecificRecord value) {
    if (value instanceof UserSignedUp signup) {
      return templates.welcome(signup);
    }
    if (value instanceof PasswordResetRequested reset) {
      return templates.passwordReset(reset);
    }
    throw new IllegalArgumentException(
        "the email handler cannot handle "
            + (value == null ? "a tombstone" : value.getSchema().getFullName()));
  }
}
