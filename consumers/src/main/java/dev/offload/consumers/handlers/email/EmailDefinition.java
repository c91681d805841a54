package dev.offload.consumers.handlers.email;

import dev.offload.consumers.HandlerContext;
import dev.offload.consumers.HandlerDefinition;
import dev.offload.consumers.handlers.EventDeserializers;
import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.runtime.breaker.CircuitBreaker;
import dev.offload.schemas.events.PasswordResetRequested;
import dev.offload.schemas.events.UserSignedUp;
import java.sql.SQLException;
import java.util.OptionalInt;
import org.apache.avro.specific.SpecificRecord;

/**
 * The {@code email} handler as the worker role runs it: mails each sign-up and password reset
 * through the context's SMTP server, on the context's threads (default {@value
 * EmailHandler#DEFAULT_THREADS}), once per event (the group's marks), behind a breaker on SMTP.
 */
public final class EmailDefinition implements HandlerDefinition<SpecificRecord> {
  @Override
  public String name() {
    return EmailHandler.NAME;
  }

  @Override
  public String description() {
    return "mails sign-ups and password resets (SMTP)";
  }

  @Override
  public int defaultMaxInFlight() {
    return EmailHandler.DEFAULT_MAX_IN_FLIGHT;
  }

  /** One connection per sending thread, each holding one while it marks its event. */
  @Override
  public int connections(OptionalInt threads) {
    return threads.orElse(EmailHandler.DEFAULT_THREADS);
  }

  @Override
  public HandlerBinding<SpecificRecord> bind(HandlerContext context) throws SQLException {
    return EmailHandler.binding(
        context.smtp(),
        context.marks(),
        EventDeserializers.avroByEventType(context.registry(), EmailHandler.TYPES),
        context.threads().orElse(EmailHandler.DEFAULT_THREADS),
        CircuitBreaker.withDefaults("smtp"));
  }

  /** The recipient of a mail event. */
  @Override
  public String rateLimitKey(Event<SpecificRecord> event) {
    if (event.value() instanceof UserSignedUp signup) {
      return signup.getEmail();
    }
    if (event.value() instanceof PasswordResetRequested reset) {
      return reset.getEmail();
    }
    return event.key();
  }

  @Override
  public String perKeyLimitName() {
    return "per-recipient";
  }
}
