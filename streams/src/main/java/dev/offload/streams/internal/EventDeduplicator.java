package dev.offload.streams.internal;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Forwards a record only if no record with the same {@code offload-event-id} was seen within the
 * retention window (before or after it in event time), remembering ids in a windowed state store.
 * CDC's at-least-once duplicates carry the same key, so they reach the same task and store.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class EventDeduplicator<K, V> implements FixedKeyProcessor<K, V, V> {
  /** Metric operation counting dropped duplicates. */
  public static final String DUPLICATE_DROPPED = "duplicate-dropped";

  private final String storeName;
  private final String metricScope;
  private final long retentionMs;
  private FixedKeyProcessorContext<K, V> context;
  private WindowStore<String, Long> seen;
  private DropCounter duplicates;

  /** Deduplicates against {@code storeName}, counting drops under {@code metricScope}. */
  public EventDeduplicator(String storeName, String metricScope, Duration retention) {
    this.storeName = storeName;
    this.metricScope = metricScope;
    this.retentionMs = retention.toMillis();
  }

  /** The store this processor needs: event id to first-seen timestamp. */
  public static StoreBuilder<WindowStore<String, Long>> storeBuilder(
      String name, Duration retention) {
    return Stores.windowStoreBuilder(
        Stores.persistentWindowStore(name, retention, retention, false),
        Serdes.String(),
        Serdes.Long());
  }

  @Override
  public void init(FixedKeyProcessorContext<K, V> context) {
    this.context = context;
    this.seen = context.getStateStore(storeName);
    this.duplicates = DropCounter.register(context, metricScope, DUPLICATE_DROPPED);
  }

  @Override
  public void process(FixedKeyRecord<K, V> record) {
    String id = EventEnvelope.requireEventId(record.headers());
    long ts = record.timestamp();
    if (seenBefore(id, ts)) {
      duplicates.record();
      return;
    }
    seen.put(id, ts, ts);
    context.forward(record);
  }

  private boolean seenBefore(String id, long ts) {
    long from = Math.max(0, ts - retentionMs);
    long to = ts > Long.MAX_VALUE - retentionMs ? Long.MAX_VALUE : ts + retentionMs;
    try (WindowStoreIterator<Long> it = seen.fetch(id, from, to)) {
      return it.hasNext();
    }
  }

  @Override
  public void close() {
    if (duplicates != null) {
      duplicates.remove();
    }
  }
}
