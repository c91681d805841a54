package dev.offload.ops.lag;

import dev.offload.ops.GroupMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/** The admin-client reads of one poll: groups, their committed offsets and members, log ends. */
final class OffsetSampler {

  /** What the coordinator said about one group; {@code error} set when it could not be read. */
  record GroupReading(
      String group,
      String state,
      List<GroupMember> members,
      Map<TopicPartition, Long> committed,
      String error) {}

  /** Log start and end offsets per partition, and the partitions whose offsets failed. */
  record LogRanges(
      Map<TopicPartition, Long> start,
      Map<TopicPartition, Long> end,
      Map<TopicPartition, String> errors) {}

  private final Admin admin;
  private final Duration timeout;

  OffsetSampler(Admin admin, Duration timeout) {
    this.admin = admin;
    this.timeout = timeout;
  }

  /** {@code filter} sorted, or every consumer group (classic and new protocol) when it is empty. */
  List<String> groups(Set<String> filter) throws InterruptedException {
    if (!filter.isEmpty()) {
      return filter.stream().sorted().toList();
    }
    try {
      Collection<GroupListing> all =
          get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all());
      return all.stream().map(GroupListing::groupId).sorted().toList();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot list the consumer groups: " + message(e), e);
    }
  }

  /** Committed offsets, state and members of each group. */
  Map<String, GroupReading> readGroups(List<String> groups) throws InterruptedException {
    Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
    groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
    ListConsumerGroupOffsetsResult offsets = admin.listConsumerGroupOffsets(specs);
    Map<String, KafkaFuture<ConsumerGroupDescription>> described =
        admin.describeConsumerGroups(groups).describedGroups();
    Map<String, GroupReading> readings = new TreeMap<>();
    for (String group : groups) {
      readings.put(group, readGroup(group, offsets, described.get(group)));
    }
    return readings;
  }

  private GroupReading readGroup(
      String group,
      ListConsumerGroupOffsetsResult offsets,
      KafkaFuture<ConsumerGroupDescription> description)
      throws InterruptedException {
    Map<TopicPartition, Long> committed = new HashMap<>();
    try {
      Map<TopicPartition, OffsetAndMetadata> raw =
          get(offsets.partitionsToOffsetAndMetadata(group));
      raw.forEach(
          (tp, om) -> {
            if (om != null) {
              committed.put(tp, om.offset());
            }
          });
    } catch (ExecutionException | TimeoutException e) {
      return new GroupReading(
          group, "UNKNOWN", List.of(), Map.of(), "offset fetch failed: " + message(e));
    }
    try {
      ConsumerGroupDescription d = get(description);
      List<GroupMember> members = d.members().stream().map(GroupMember::of).toList();
      return new GroupReading(group, d.groupState().name(), members, committed, null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return new GroupReading(group, "DEAD", List.of(), committed, null);
      }
      return new GroupReading(
          group, "UNKNOWN", List.of(), committed, "describe failed: " + message(e));
    } catch (TimeoutException e) {
      return new GroupReading(group, "UNKNOWN", List.of(), committed, "describe timed out");
    }
  }

  /** Earliest and latest offsets of {@code partitions}. */
  LogRanges readRanges(Set<TopicPartition> partitions) throws InterruptedException {
    Map<TopicPartition, OffsetSpec> latestSpec = new HashMap<>();
    Map<TopicPartition, OffsetSpec> earliestSpec = new HashMap<>();
    for (TopicPartition tp : partitions) {
      latestSpec.put(tp, OffsetSpec.latest());
      earliestSpec.put(tp, OffsetSpec.earliest());
    }
    ListOffsetsResult latest = admin.listOffsets(latestSpec);
    ListOffsetsResult earliest = admin.listOffsets(earliestSpec);
    Map<TopicPartition, Long> start = new HashMap<>();
    Map<TopicPartition, Long> end = new HashMap<>();
    Map<TopicPartition, String> errors = new HashMap<>();
    for (TopicPartition tp : partitions) {
      try {
        end.put(tp, get(latest.partitionResult(tp)).offset());
        start.put(tp, get(earliest.partitionResult(tp)).offset());
      } catch (ExecutionException | TimeoutException e) {
        errors.put(tp, "log offsets fetch failed: " + message(e));
      }
    }
    return new LogRanges(start, end, errors);
  }

  private <T> T get(KafkaFuture<T> future)
      throws InterruptedException, ExecutionException, TimeoutException {
    return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  static String message(Throwable e) {
    Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    String text = t.getMessage();
    return t.getClass().getSimpleName() + (text == null ? "" : ": " + text);
  }

  /** Every partition any of {@code readings} has committed offsets for. */
  static Set<TopicPartition> partitionsOf(Collection<GroupReading> readings) {
    List<TopicPartition> all = new ArrayList<>();
    readings.forEach(r -> all.addAll(r.committed().keySet()));
    return Set.copyOf(all);
  }
}
