package dev.offload.ops.deadletter;

import java.util.List;

/**
 * The dead letters a redrive will publish again.
 *
 * @param request what was asked for
 * @param toRedrive matching dead letters not yet redriven, in partition then offset order
 * @param alreadyRedriven matching dead letters skipped because the audit topic records them
 * @param unroutable matching dead letters skipped because they carry no original topic
 * @param total all dead letters of the group
 */
public record RedrivePlan(
    RedriveRequest request,
    List<DeadLetter> toRedrive,
    long alreadyRedriven,
    long unroutable,
    long total) {

  /** Copies the list. */
  public RedrivePlan {
    toRedrive = List.copyOf(toRedrive);
  }
}
