package dev.offload.streams.deadletter;

import dev.offload.schemas.DeadLetterHeaders;
import dev.offload.schemas.HeaderValues;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a topology running past bad records: deserialization and processing failures, and
 * serialization failures on output, send the source record to the dead-letter topic through Kafka
 * Streams' own dead-letter support ({@code errors.dead.letter.queue.topic.name}, written in the
 * same transaction under exactly-once) and processing resumes with the next record.
 *
 * <p>Dead letters keep the source key, value and headers, add Kafka's {@code __streams.errors.*}
 * headers and the Offload {@link DeadLetterHeaders}. Broker-side send failures are not the record's
 * fault and fail the thread, which the runner replaces.
 *
 * <p>Configure with {@link #applyTo(Map, String, MeterRegistry)}.
 */
public final class DeadLetterHandler
    implements DeserializationExceptionHandler,
        ProcessingExceptionHandler,
        ProductionExceptionHandler {
  /** Config key of the {@link MeterRegistry} that counts dead letters (optional). */
  public static final String METER_REGISTRY_CONFIG = "offload.streams.meter.registry";

  /** Config key of the topology name tagged on the counter. */
  public static final String TOPOLOGY_CONFIG = "offload.streams.topology";

  /** Config key of a {@link Clock} for {@code offload-dlq-failed-at} (default UTC system clock). */
  public static final String CLOCK_CONFIG = "offload.streams.clock";

  /** Counter of dead letters, tagged {@code topology} and {@code reason}. */
  public static final String DEAD_LETTERS_METRIC = "offload.streams.records.dead.lettered";

  /** Prefix of Kafka Streams' own dead-letter headers, which are written again on each failure. */
  private static final String STREAMS_ERRORS_PREFIX = "__streams.errors.";

  private static final Logger log = LoggerFactory.getLogger(DeadLetterHandler.class);

  private String topic;
  private String group;
  private String topology;
  private MeterRegistry registry;
  private Clock clock = Clock.systemUTC();

  /** Sets the handler, dead-letter topic and counter settings in a Kafka Streams property map. */
  public static void applyTo(
      Map<Object, Object> props, String deadLetterTopic, MeterRegistry registry) {
    String name = DeadLetterHandler.class.getName();
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, name);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, name);
    props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, name);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetterTopic);
    if (registry != null) {
      props.put(METER_REGISTRY_CONFIG, registry);
    }
  }

  @Override
  public void configure(Map<String, ?> configs) {
    Object dlq = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    Object appId = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
    group = appId == null ? "" : appId.toString();
    topic = dlq == null ? null : dlq.toString();
    Object name = configs.get(TOPOLOGY_CONFIG);
    topology = name == null ? group : name.toString();
    if (configs.get(METER_REGISTRY_CONFIG) instanceof MeterRegistry r) {
      registry = r;
    }
    if (configs.get(CLOCK_CONFIG) instanceof Clock c) {
      clock = c;
    }
  }

  @Override
  public DeserializationExceptionHandler.Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    return DeserializationExceptionHandler.Response.resume(
        deadLetter("deserialization", context, exception));
  }

  @Override
  public ProcessingExceptionHandler.Response handleError(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    return ProcessingExceptionHandler.Response.resume(deadLetter("processing", context, exception));
  }

  @Override
  public ProductionExceptionHandler.Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    log.error(
        "Sending to {} failed in {} (task {}); the stream thread fails and is replaced",
        record.topic(),
        group,
        context.taskId(),
        exception);
    return ProductionExceptionHandler.Response.fail();
  }

  @Override
  public ProductionExceptionHandler.Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    return ProductionExceptionHandler.Response.resume(
        deadLetter("serialization", context, exception));
  }

  private List<ProducerRecord<byte[], byte[]>> deadLetter(
      String reason, ErrorHandlerContext context, Exception exception) {
    log.warn(
        "Dead-lettering a record of {}-{}@{} in {} ({}): {}",
        context.topic(),
        context.partition(),
        context.offset(),
        group,
        reason,
        exception.toString());
    if (registry != null) {
      Counter.builder(DEAD_LETTERS_METRIC)
          .description("Records a stream topology sent to its dead-letter topic")
          .tag("topology", topology)
          .tag("reason", reason)
          .register(registry)
          .increment();
    }
    if (topic == null) {
      return List.of();
    }
    return List.of(
        new ProducerRecord<>(
            topic,
            null,
            context.sourceRawKey(),
            context.sourceRawValue(),
            headers(reason, context, exception)));
  }

  private Headers headers(String reason, ErrorHandlerContext context, Exception exception) {
    Headers headers =
        DeadLetterHeaders.write(
            context.headers(),
            new DeadLetterHeaders.Failure(
                reason,
                exception,
                context.topic(),
                context.partition(),
                context.offset(),
                group,
                clock.instant()),
            STREAMS_ERRORS_PREFIX);
    HeaderValues.put(headers, STREAMS_ERRORS_PREFIX + "exception", exception.getClass().getName());
    HeaderValues.put(
        headers,
        STREAMS_ERRORS_PREFIX + "message",
        HeaderValues.text(headers, DeadLetterHeaders.EXCEPTION_MESSAGE));
    HeaderValues.put(
        headers,
        STREAMS_ERRORS_PREFIX + "stacktrace",
        HeaderValues.text(headers, DeadLetterHeaders.STACKTRACE));
    HeaderValues.put(headers, STREAMS_ERRORS_PREFIX + "topic", context.topic());
    HeaderValues.put(headers, STREAMS_ERRORS_PREFIX + "partition", context.partition());
    HeaderValues.put(headers, STREAMS_ERRORS_PREFIX + "offset", context.offset());
    return headers;
  }
}
