package dev.offload.streams.internal;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Forwards a record only if no record with the same {@code offload-event-id} was seen within the
 * retention window (before or after it in event time), remembering ids in a windowed state store.
 * CDC's at-least-once duplicates carry the same key, so they reach the same task and store.
 *
 * <p>The store maps the compact id ({@link EventIdKey}) to the time it was first seen, filed under
 * the start of the retention-sized bucket that time falls in. A record at {@code t} can only
 * duplicate one first seen in its own bucket or one of the two beside it, so three point lookups
 * answer the question (the later bucket usually has no segment yet and costs nothing), where a
 * range scan would open a RocksDB iterator on every segment of the window. The store keeps two
 * retentions so the earlier bucket is still there while its ids matter; expired segments are
 * dropped whole, and the changelog restores the ids after a restart or on another instance.
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
  private WindowStore<Bytes, Long> seen;
  private DropCounter duplicates;

  /**
   * Deduplicates against {@code storeName}, counting drops under {@code metricScope}.
   *
   * @param retention how long an id is remembered; must be positive
   */
  public EventDeduplicator(String storeName, String metricScope, Duration retention) {
    if (retention.toMillis() <= 0) {
      throw new IllegalArgumentException("retention: must be at least 1 ms, got " + retention);
    }
    this.storeName = storeName;
    this.metricScope = metricScope;
    this.retentionMs = retention.toMillis();
  }

  /**
   * The store this processor needs: compact event id to first-seen timestamp, in buckets of {@code
   * retention}, kept for twice the retention.
   */
  public static StoreBuilder<WindowStore<Bytes, Long>> storeBuilder(
      String name, Duration retention) {
    return Stores.windowStoreBuilder(
        Stores.persistentWindowStore(name, retention.multipliedBy(2), retention, false),
        Serdes.Bytes(),
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
    Bytes id = EventEnvelope.requireEventIdKey(record.headers());
    long ts = record.timestamp();
    long bucket = ts - Math.floorMod(ts, retentionMs);
    if (seenIn(id, bucket, ts)
        || (bucket >= retentionMs && seenIn(id, bucket - retentionMs, ts))
        || (bucket <= Long.MAX_VALUE - retentionMs && seenIn(id, bucket + retentionMs, ts))) {
      duplicates.record();
      return;
    }
    seen.put(id, ts, bucket);
    context.forward(record);
  }

  /**
   * Whether {@code id} was first seen in the bucket starting at {@code bucket}, near {@code ts}.
   */
  private boolean seenIn(Bytes id, long bucket, long ts) {
    Long firstSeen = seen.fetch(id, bucket);
    return firstSeen != null && Math.abs(firstSeen - ts) <= retentionMs;
  }

  @Override
  public void close() {
    if (duplicates != null) {
      duplicates.remove();
    }
  }
}
