package dev.offload.consumers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.consumers.handlers.email.EmailDefinition;
import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.EventHeaders;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.schemas.events.UserSignedUp;
import java.util.OptionalInt;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** The built-in handlers, their groups, topics and database needs, by name. */
class HandlerCatalogTest {
  private final HandlerCatalog catalog = HandlerCatalog.builtIns();

  @Test
  void listsTheBuiltInsAndNamesThemWhenOneIsUnknown() {
    assertThat(catalog.all())
        .extracting(HandlerDefinition::name)
        .containsExactly("email", "index", "analytics", "event-log");
    assertThatThrownBy(() -> catalog.require("sms"))
        .hasMessage("no handler named 'sms'; known: [email, index, analytics, event-log]");
  }

  @Test
  void eachHandlerReadsItsWorkTopicInItsOwnGroup() {
    WorkerOptions email = catalog.require("email").defaultOptions("k:9092", "g");
    assertThat(email.topics()).containsExactly("offload.work.email");
    assertThat(email.maxInFlight()).isEqualTo(64);
    assertThat(catalog.require("index").defaultGroup()).isEqualTo("offload-worker-index");
    assertThat(catalog.require("analytics").defaultOptions("k:9092", "g").maxInFlight())
        .isEqualTo(1024);
  }

  @Test
  void theEventLogFollowsEveryEventTopicWithoutDelayTopics() {
    HandlerDefinition<?> log = catalog.require("event-log");
    WorkerOptions options = log.defaultOptions("k:9092", log.defaultGroup());
    assertThat(log.defaultGroup()).isEqualTo("offload-event-log");
    assertThat(options.topics()).isEmpty();
    assertThat(options.isSourceTopic("offload.events.user-signed-up")).isTrue();
    assertThat(options.isSourceTopic("offload.work.email")).isFalse();
    assertThat(options.retry().delayTopics(log.defaultGroup())).isEmpty();
    assertThat(options.kafkaProperties()).containsEntry("metadata.max.age.ms", "2000");
  }

  @Test
  void databaseConnectionsFollowTheThreads() {
    assertThat(catalog.require("email").connections(OptionalInt.of(32))).isEqualTo(32);
    assertThat(catalog.require("email").connections(OptionalInt.empty())).isEqualTo(8);
    assertThat(catalog.require("analytics").connections(OptionalInt.empty())).isEqualTo(3);
    assertThat(catalog.require("index").connections(OptionalInt.empty())).isZero();
  }

  @Test
  void theEmailHandlersPerKeyLimitIsPerRecipient() {
    EmailDefinition email = new EmailDefinition();
    UserSignedUp signup = new UserSignedUp("u1", "ada@example.com", "Ada", null);
    Event<SpecificRecord> event =
        new Event<>(
            "u1",
            signup,
            new EventHeaders(null, "user-signed-up", 1, null, null, null),
            "offload.work.email",
            0,
            0L);
    assertThat(email.perKeyLimitName()).isEqualTo("per-recipient");
    assertThat(email.rateLimitKey(event)).isEqualTo("ada@example.com");
  }
}
