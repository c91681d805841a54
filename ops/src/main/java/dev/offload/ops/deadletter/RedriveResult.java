package dev.offload.ops.deadletter;

import java.time.Duration;

/**
 * What a redrive did.
 *
 * @param plan the plan it carried out
 * @param redriven records published again (each with its audit record)
 * @param elapsed how long it took
 */
public record RedriveResult(RedrivePlan plan, long redriven, Duration elapsed) {}
