package dev.offload.consumers.dedup;

/** An effect outside the database (a mail, an HTTP call) guarded by a processed-event mark. */
@FunctionalInterface
public interface ExternalEffect {
  /**
   * Performs the effect.
   *
   * @throws Exception to leave the event unmarked, so a retry performs it again
   */
  void run() throws Exception;
}
