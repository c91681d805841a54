package dev.offload.bench.internal;

import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.Worker;
import dev.offload.consumers.worker.WorkerMetricNames;
import dev.offload.consumers.worker.WorkerOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Times a real worker draining a topic that was filled before it started: from its first handled
 * record to its last, so that joining the group and the first fetch are not counted.
 */
public final class DrainTimer {
  private DrainTimer() {}

  /**
   * Starts a worker of {@code binding} with {@code maxInFlight} in a new group on {@code topic},
   * waits until it handled {@code count} records, closes it and returns its rate in records per
   * second.
   */
  public static <T> double rate(
      String bootstrap,
      String topic,
      HandlerBinding<T> binding,
      int maxInFlight,
      int count,
      Duration timeout,
      PrintStream out)
      throws TimeoutException {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    WorkerOptions options =
        WorkerOptions.defaults(bootstrap, "bench-" + topic, List.of(topic))
            .withMaxInFlight(maxInFlight)
            .withCommitInterval(Duration.ofMillis(500));
    Progress progress = new Progress(out, binding.name() + " worker", count);
    try (Worker worker = Worker.builder(options, binding).meterRegistry(meters).start()) {
      long deadline = System.nanoTime() + timeout.toNanos();
      long first = 0;
      double firstCount = 0;
      double done;
      while ((done = handled(meters)) < count) {
        if (first == 0 && done > 0) {
          first = System.nanoTime();
          firstCount = done;
        }
        if (System.nanoTime() > deadline) {
          throw new TimeoutException(
              binding.name() + " worker handled " + (long) done + " of " + count + " records");
        }
        progress.update((long) done);
        LockSupport.parkNanos(1_000_000);
      }
      long last = System.nanoTime();
      progress.finish(count);
      if (first == 0) {
        return Double.NaN;
      }
      return (count - firstCount) / ((last - first) / 1e9);
    }
  }

  private static double handled(SimpleMeterRegistry meters) {
    return meters.find(WorkerMetricNames.HANDLED).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }
}
