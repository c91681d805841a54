package dev.offload.streams.analytics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.offload.schemas.TopicDescriptor;
import dev.offload.streams.TopologyContext;
import dev.offload.streams.TopologyDefinition;
import dev.offload.streams.internal.EventDeduplicator;
import dev.offload.streams.internal.EventEnvelope;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The {@code analytics} flow: counts events per type and per producer in one-minute tumbling and
 * one-hour hopping windows (event time = record timestamp, late events accepted within the grace
 * period), writes every updated count as JSON to {@code offload.analytics.<view>} and keeps the
 * counts queryable in window stores named by {@link #storeName}.
 */
public final class AnalyticsTopology implements TopologyDefinition {
  /** Name it is deployed by. */
  public static final String NAME = "analytics";

  /** Scope of the topology's own metrics. */
  public static final String METRIC_SCOPE = "offload-analytics";

  /** The deduplication store. */
  public static final String DEDUP_STORE = "analytics-seen-event-ids";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Counts offload.events.* per type and per producer in 1-minute tumbling and 1-hour"
        + " hopping windows; queryable at /v1/analytics/counts.";
  }

  @Override
  public Topology build(TopologyContext context) {
    return build(context.bind(AnalyticsConfig.defaults()));
  }

  /** The window store holding counts by {@code dimension} in {@code window}. */
  public static String storeName(CountDimension dimension, CountWindow window) {
    return "counts-by-" + dimension.label() + "-" + window.label();
  }

  /** Builds the analytics topology for {@code config}. */
  public static Topology build(AnalyticsConfig config) {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<byte[], byte[]> events =
        builder.stream(
            config.inputPattern(),
            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("events"));
    if (!config.dedupRetention().isZero()) {
      builder.addStateStore(EventDeduplicator.storeBuilder(DEDUP_STORE, config.dedupRetention()));
      events =
          events.processValues(
              () -> new EventDeduplicator<>(DEDUP_STORE, METRIC_SCOPE, config.dedupRetention()),
              Named.as("drop-duplicates"),
              DEDUP_STORE);
    }
    KStream<byte[], Facts> facts =
        events.processValues(ReadFacts::new, Named.as("read-type-and-producer"));
    for (CountDimension dimension : CountDimension.values()) {
      KGroupedStream<String, String> grouped =
          facts
              .map(
                  (key, f) -> KeyValue.pair(f.of(dimension), f.of(dimension)),
                  Named.as("key-by-" + dimension.label()))
              .groupByKey(
                  Grouped.with("by-" + dimension.label(), Serdes.String(), Serdes.String()));
      for (CountWindow window : CountWindow.values()) {
        count(grouped, config, dimension, window);
      }
    }
    return builder.build();
  }

  private static void count(
      KGroupedStream<String, String> grouped,
      AnalyticsConfig config,
      CountDimension dimension,
      CountWindow window) {
    String store = storeName(dimension, window);
    TopicDescriptor<String, String> output = config.output(dimension, window);
    grouped
        .windowedBy(window.windows(config))
        .count(
            Named.as(store),
            Materialized.<String, Long, WindowStore<Bytes, byte[]>>as(store)
                .withKeySerde(Serdes.String())
                .withValueSerde(Serdes.Long())
                .withRetention(config.retention()))
        .toStream(Named.as(store + "-updates"))
        .map(
            (windowed, count) -> {
              WindowCount value =
                  new WindowCount(
                      dimension.label(),
                      windowed.key(),
                      window.label(),
                      windowed.window().startTime(),
                      windowed.window().endTime(),
                      count);
              return KeyValue.pair(windowed.key() + "@" + value.start(), toJson(value));
            },
            Named.as(store + "-as-json"))
        .to(
            output.name(),
            Produced.with(output.keySerde(), output.valueSerde()).withName(store + "-out"));
  }

  static String toJson(WindowCount count) {
    try {
      return JSON.writeValueAsString(count);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What an event is counted under. */
  private record Facts(String type, String producer) {
    String of(CountDimension dimension) {
      return dimension == CountDimension.TYPE ? type : producer;
    }
  }

  /** Reads type and producer once; a record with no type fails here and is dead-lettered. */
  private static final class ReadFacts implements FixedKeyProcessor<byte[], byte[], Facts> {
    private FixedKeyProcessorContext<byte[], Facts> context;

    @Override
    public void init(FixedKeyProcessorContext<byte[], Facts> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<byte[], byte[]> record) {
      String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(null);
      String type = EventEnvelope.requireEventType(record.headers(), topic);
      context.forward(record.withValue(new Facts(type, EventEnvelope.producer(record.headers()))));
    }
  }
}
