package dev.offload.ops.replay;

import dev.offload.ops.GroupMember;
import java.util.List;
import java.util.stream.Collectors;

/** Refusal to move the offsets of a consumer group that still has live members. */
public final class ActiveGroupException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final transient List<GroupMember> members;

  /** A refusal for {@code group}, naming its {@code members}. */
  public ActiveGroupException(String group, List<GroupMember> members) {
    super(
        "group "
            + group
            + " has "
            + members.size()
            + " active member"
            + (members.size() == 1 ? "" : "s")
            + " ("
            + members.stream().map(GroupMember::describe).collect(Collectors.joining(", "))
            + "); stop them before resetting its offsets");
    this.members = List.copyOf(members);
  }

  /** The members that are still in the group. */
  public List<GroupMember> members() {
    return members;
  }
}
