package dev.offload.ops.replay;

/** Headers a replay adds to the records it copies, beside the original ones. */
public final class ReplayHeaders {
  /** The id of the replay run that copied the record (a UUID, the same for the whole run). */
  public static final String REPLAY_ID = "offload-replay-id";

  private ReplayHeaders() {}
}
