package dev.offload.ops.replay;

import dev.offload.ops.GroupMember;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownMemberIdException;

/**
 * Resets a stopped consumer group's committed offsets to a time, so it consumes again from there
 * when it restarts: in each partition the group has offsets for, the first record stamped at or
 * after the time, or the log end when none is that recent. Refuses while the group has members.
 */
public final class GroupOffsetReset implements AutoCloseable {
  private final Admin admin;
  private final OffsetLookup lookup;

  private GroupOffsetReset(Admin admin) {
    this.admin = admin;
    this.lookup = new AdminOffsetLookup(admin);
  }

  /** A reset tool for the cluster at {@code bootstrapServers}. */
  public static GroupOffsetReset connect(String bootstrapServers) {
    return connect(bootstrapServers, KafkaClientSecurity.none());
  }

  /**
   * As {@link #connect(String)}, with an admin client that authenticates and encrypts as {@code
   * security} says.
   */
  public static GroupOffsetReset connect(String bootstrapServers, KafkaClientSecurity security) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "offload-group-reset");
    return new GroupOffsetReset(Admin.create(security.applyTo(p)));
  }

  /**
   * What resetting {@code group} to {@code time} would change; changes nothing.
   *
   * @throws IllegalArgumentException when the group has no committed offsets
   */
  public ResetPlan plan(String group, Instant time) throws InterruptedException {
    List<GroupMember> members = members(group);
    Map<TopicPartition, Long> committed = committed(group);
    if (committed.isEmpty()) {
      throw new IllegalArgumentException("group " + group + " has no committed offsets to reset");
    }
    Map<TopicPartition, Long> atTime = lookup.atTime(committed.keySet(), time);
    Map<TopicPartition, Long> latest = lookup.latest(committed.keySet());
    List<OffsetChange> changes = new ArrayList<>();
    committed.forEach(
        (tp, current) ->
            changes.add(new OffsetChange(tp, current, atTime.getOrDefault(tp, latest.get(tp)))));
    changes.sort(
        Comparator.comparing((OffsetChange c) -> c.partition().topic())
            .thenComparingInt(c -> c.partition().partition()));
    return new ResetPlan(group, time, members, changes);
  }

  /**
   * Resets {@code group} to {@code time} and returns what changed.
   *
   * @throws ActiveGroupException while the group has members, naming them
   */
  public ResetPlan execute(String group, Instant time) throws InterruptedException {
    ResetPlan plan = plan(group, time);
    if (!plan.members().isEmpty()) {
      throw new ActiveGroupException(group, plan.members());
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    plan.changes().forEach(c -> offsets.put(c.partition(), new OffsetAndMetadata(c.target())));
    try {
      admin.alterConsumerGroupOffsets(group, offsets).all().get();
    } catch (ExecutionException e) {
      // A member that joined between the check and the write makes the coordinator refuse.
      if (e.getCause() instanceof GroupNotEmptyException
          || e.getCause() instanceof UnknownMemberIdException) {
        throw new ActiveGroupException(group, members(group));
      }
      throw new IllegalStateException("cannot reset group " + group + ": " + e.getCause(), e);
    }
    return plan;
  }

  private List<GroupMember> members(String group) throws InterruptedException {
    try {
      ConsumerGroupDescription d =
          admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      return d.members().stream().map(GroupMember::of).toList();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return List.of();
      }
      throw new IllegalStateException("cannot describe group " + group + ": " + e.getCause(), e);
    }
  }

  private Map<TopicPartition, Long> committed(String group) throws InterruptedException {
    try {
      Map<TopicPartition, Long> committed = new HashMap<>();
      admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get()
          .forEach(
              (tp, om) -> {
                if (om != null) {
                  committed.put(tp, om.offset());
                }
              });
      return committed;
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot read the offsets of group " + group + ": " + e.getCause(), e);
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
