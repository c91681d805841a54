package dev.offload.consumers.testing;

import dev.offload.consumers.worker.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A scheduler whose tasks run when the test says so and their time on the clock has come. */
public final class ManualScheduler implements Scheduler {
  private final MutableClock clock;
  private final List<Task> tasks = new ArrayList<>();
  private final List<Duration> delays = new ArrayList<>();

  public ManualScheduler(MutableClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void schedule(Duration delay, Runnable task) {
    delays.add(delay);
    tasks.add(new Task(clock.instant().plus(delay), task));
  }

  /** Runs the tasks that are due; returns how many ran. */
  public int runDue() {
    List<Task> due = new ArrayList<>();
    synchronized (this) {
      for (var it = tasks.iterator(); it.hasNext(); ) {
        Task t = it.next();
        if (!t.at.isAfter(clock.instant())) {
          due.add(t);
          it.remove();
        }
      }
    }
    due.forEach(t -> t.task.run());
    return due.size();
  }

  public synchronized int pending() {
    return tasks.size();
  }

  /** Every delay asked for, in order. */
  public synchronized List<Duration> delays() {
    return List.copyOf(delays);
  }

  private record Task(Instant at, Runnable task) {}
}
