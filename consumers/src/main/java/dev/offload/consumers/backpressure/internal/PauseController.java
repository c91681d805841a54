package dev.offload.consumers.backpressure.internal;

import dev.offload.consumers.backpressure.Watermarks;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses and resumes a consumer's partitions: all of them while the worker is saturated (between
 * the high and the low watermark, with hysteresis) or stopping, and otherwise only those that hold
 * a retry that is not due yet. Called on the polling thread only.
 */
public final class PauseController {
  private static final Logger log = LoggerFactory.getLogger(PauseController.class);

  private final Watermarks watermarks;
  private boolean saturated;
  private volatile int pausedCount;

  /** A controller that pauses at {@code watermarks.high()} and resumes at {@code low()}. */
  public PauseController(Watermarks watermarks) {
    this.watermarks = watermarks;
  }

  /** Turns saturated when {@code load} reached the high watermark. */
  public void pauseIfSaturated(int load) {
    if (!saturated && load >= watermarks.high()) {
      saturated = true;
      log.debug("Saturated at {} records: pausing fetches", load);
    }
  }

  /** Turns unsaturated when {@code load} fell to the low watermark. */
  public void resumeIfDrained(int load) {
    if (saturated && load <= watermarks.low()) {
      saturated = false;
      log.debug("Drained to {} records: resuming fetches", load);
    }
  }

  /** Whether fetching is paused for load. */
  public boolean isSaturated() {
    return saturated;
  }

  /**
   * Makes the consumer's paused set match the state: everything when saturated or {@code pauseAll},
   * else exactly {@code held}.
   */
  public void apply(Consumer<?, ?> consumer, Set<TopicPartition> held, boolean pauseAll) {
    Set<TopicPartition> assigned = consumer.assignment();
    Set<TopicPartition> wanted = new HashSet<>();
    if (saturated || pauseAll) {
      wanted.addAll(assigned);
    } else {
      for (TopicPartition tp : held) {
        if (assigned.contains(tp)) {
          wanted.add(tp);
        }
      }
    }
    Set<TopicPartition> paused = consumer.paused();
    Set<TopicPartition> toPause = new HashSet<>(wanted);
    toPause.removeAll(paused);
    Set<TopicPartition> toResume = new HashSet<>(paused);
    toResume.removeAll(wanted);
    if (!toPause.isEmpty()) {
      consumer.pause(toPause);
    }
    if (!toResume.isEmpty()) {
      consumer.resume(toResume);
    }
    pausedCount = wanted.size();
  }

  /** Partitions paused after the last {@link #apply}, for the gauge. */
  public int pausedCount() {
    return pausedCount;
  }
}
