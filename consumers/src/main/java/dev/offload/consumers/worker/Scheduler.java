package dev.offload.consumers.worker;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs a task after a delay: how a worker waits for in-place retries. Tests drive their own. */
@FunctionalInterface
public interface Scheduler {
  /** Runs {@code task} once, after {@code delay}. */
  void schedule(Duration delay, Runnable task);

  /** A scheduler on {@code executor}. */
  static Scheduler of(ScheduledExecutorService executor) {
    return (delay, task) -> executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
  }
}
