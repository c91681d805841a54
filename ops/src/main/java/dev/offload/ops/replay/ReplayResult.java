package dev.offload.ops.replay;

import java.time.Duration;
import java.util.UUID;

/**
 * What a replay run did.
 *
 * @param replayId the {@code offload-replay-id} header value of every record it copied
 * @param into the topic it copied into
 * @param scanned offsets of the plan it read through
 * @param copied records it copied
 * @param elapsed how long it ran (the replayer's clock)
 */
public record ReplayResult(
    UUID replayId, String into, long scanned, long copied, Duration elapsed) {

  /** Records copied per second. */
  public double copyRate() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds <= 0 ? copied : copied / seconds;
  }
}
