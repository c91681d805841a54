package dev.offload.consumers.handlers.eventlog;

import dev.offload.consumers.HandlerContext;
import dev.offload.consumers.HandlerDefinition;
import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.EventHandler;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log of {@code offload dev}: follows every {@code offload.events.*} topic in the group
 * {@code offload-event-log} (a new event type's topic within {@link #TOPIC_REFRESH}), logs each
 * event's metadata at DEBUG (never its payload; {@code OFFLOAD_WORKER_LOG_LEVEL=DEBUG}) and counts
 * it in {@code offload.worker.events}, tagged by event type and group. It reads no value and cannot
 * fail, so it needs no delay topic.
 */
public final class EventLogHandler implements HandlerDefinition<byte[]> {
  private static final Logger log = LoggerFactory.getLogger(EventLogHandler.class);

  /** Its name. */
  public static final String NAME = "event-log";

  /** Its consumer group. */
  public static final String GROUP = "offload-event-log";

  /** Name of the counter of logged events. */
  public static final String EVENTS_METRIC = "offload.worker.events";

  /** How soon a newly created event topic is followed. */
  public static final Duration TOPIC_REFRESH = Duration.ofSeconds(2);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "logs and counts every event by type (offload.events.*)";
  }

  @Override
  public String defaultGroup() {
    return GROUP;
  }

  @Override
  public int defaultMaxInFlight() {
    return WorkerOptions.DEFAULT_MAX_IN_FLIGHT;
  }

  /** Every topic matching {@code offload.events.*}, new ones within {@link #TOPIC_REFRESH}. */
  @Override
  public WorkerOptions defaultOptions(String bootstrapServers, String group) {
    WorkerOptions options = WorkerOptions.defaults(bootstrapServers, group, Topics.ALL_EVENTS);
    return options
        .withRetry(options.retry().inPlaceOnly())
        .withKafkaProperties(
            Map.of(
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, Long.toString(TOPIC_REFRESH.toMillis())));
  }

  @Override
  public HandlerBinding<byte[]> bind(HandlerContext context) {
    return HandlerBinding.async(
        NAME, new ByteArrayDeserializer(), new Counting(context.meters(), context.group()));
  }

  /** Counts each event by type, and logs it at DEBUG. */
  private static final class Counting implements EventHandler<byte[]> {
    private final MeterRegistry meters;
    private final String group;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    Counting(MeterRegistry meters, String group) {
      this.meters = meters;
      this.group = group;
    }

    @Override
    public CompletionStage<Void> handle(Event<byte[]> event) {
      String type = event.headers().eventType();
      if (type == null) {
        type = Topics.eventTypeOf(event.topic());
      }
      if (log.isDebugEnabled()) { // a line per event is for debugging: offload tail shows events
        log.debug(
            "event {} type={} key={} {}-{}@{}",
            event.headers().eventId(),
            type,
            event.key(),
            event.topic(),
            event.partition(),
            event.offset());
      }
      counters
          .computeIfAbsent(
              type == null ? "unknown" : type,
              t ->
                  Counter.builder(EVENTS_METRIC)
                      .description("Events handled by the event-log worker")
                      .tag("type", t)
                      .tag("group", group)
                      .register(meters))
          .increment();
      return CompletableFuture.completedFuture(null);
    }
  }
}
