package dev.offload.consumers.testing;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/** An executor that queues tasks until the test runs them on its own thread. */
public final class QueueExecutor implements Executor {
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>();

  @Override
  public synchronized void execute(Runnable task) {
    queue.addLast(task);
  }

  /** Runs queued tasks, and those they queue, until none is left; returns how many ran. */
  public int runAll() {
    int ran = 0;
    Runnable next;
    while ((next = poll()) != null) {
      next.run();
      ran++;
    }
    return ran;
  }

  private synchronized Runnable poll() {
    return queue.pollFirst();
  }
}
