package dev.offload.consumers.worker;

/**
 * Does the work of one event on the calling thread, which belongs to a bounded pool of the worker
 * (see {@link HandlerBinding#blocking}). Return to succeed, throw to fail the attempt.
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface BlockingEventHandler<T> {
  /** Handles {@code event}, blocking as long as needed. */
  void handle(Event<T> event) throws Exception;
}
