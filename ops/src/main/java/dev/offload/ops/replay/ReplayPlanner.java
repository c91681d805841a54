package dev.offload.ops.replay;

import dev.offload.schemas.kafka.KafkaClientSecurity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * Computes the offset range each partition replays for a {@link ReplayRequest}.
 *
 * <p>In each partition: a time bound becomes the first offset stamped at or after it (Kafka's
 * offsets for times), or the log end when no record is that recent; an offset bound is clamped to
 * the log (records below its start are gone); a missing {@code to} is the log end now. The range is
 * {@code [from, to)} in log order, so with time bounds it holds exactly the records of the window
 * when timestamps grow along the log (always so for {@code LogAppendTime} topics; with producer-set
 * {@code CreateTime}, a record stamped out of order can sit inside or outside it).
 */
public final class ReplayPlanner implements AutoCloseable {
  private final Admin admin;
  private final OffsetLookup lookup;

  private ReplayPlanner(Admin admin) {
    this.admin = admin;
    this.lookup = new AdminOffsetLookup(admin);
  }

  /** A planner that asks the cluster at {@code bootstrapServers}. */
  public static ReplayPlanner connect(String bootstrapServers) {
    return connect(bootstrapServers, KafkaClientSecurity.none());
  }

  /**
   * As {@link #connect(String)}, with an admin client that authenticates and encrypts as {@code
   * security} says.
   */
  public static ReplayPlanner connect(String bootstrapServers, KafkaClientSecurity security) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "offload-replay-planner");
    return new ReplayPlanner(Admin.create(security.applyTo(p)));
  }

  /**
   * The plan of {@code request}.
   *
   * @throws IllegalArgumentException when the topic or the requested partition does not exist
   */
  public ReplayPlan plan(ReplayRequest request) {
    return plan(request, lookup);
  }

  static ReplayPlan plan(ReplayRequest request, OffsetLookup lookup) {
    List<TopicPartition> partitions = chosenPartitions(request, lookup);
    Map<TopicPartition, Long> earliest = lookup.earliest(partitions);
    Map<TopicPartition, Long> latest = lookup.latest(partitions);
    Map<TopicPartition, Long> from = resolve(request.from(), partitions, earliest, latest, lookup);
    Map<TopicPartition, Long> to =
        request.to() == null ? latest : resolve(request.to(), partitions, earliest, latest, lookup);
    List<PartitionRange> ranges = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      long start = from.get(tp);
      ranges.add(new PartitionRange(tp.partition(), start, Math.max(start, to.get(tp))));
    }
    return new ReplayPlan(request, ranges);
  }

  private static List<TopicPartition> chosenPartitions(ReplayRequest request, OffsetLookup lookup) {
    List<TopicPartition> all = lookup.partitions(request.topic());
    if (request.partition() == null) {
      return all;
    }
    List<TopicPartition> one =
        all.stream().filter(tp -> tp.partition() == request.partition()).toList();
    if (one.isEmpty()) {
      throw new IllegalArgumentException(
          "topic "
              + request.topic()
              + " has no partition "
              + request.partition()
              + " (it has "
              + all.size()
              + ": 0.."
              + (all.size() - 1)
              + ")");
    }
    return one;
  }

  private static Map<TopicPartition, Long> resolve(
      Position position,
      List<TopicPartition> partitions,
      Map<TopicPartition, Long> earliest,
      Map<TopicPartition, Long> latest,
      OffsetLookup lookup) {
    Map<TopicPartition, Long> atTime =
        position instanceof Position.AtTime t ? lookup.atTime(partitions, t.time()) : Map.of();
    Map<TopicPartition, Long> resolved = new HashMap<>();
    for (TopicPartition tp : partitions) {
      long offset =
          position instanceof Position.AtOffset o
              ? o.offset()
              : atTime.getOrDefault(tp, latest.get(tp));
      resolved.put(tp, Math.min(Math.max(offset, earliest.get(tp)), latest.get(tp)));
    }
    return resolved;
  }

  @Override
  public void close() {
    admin.close();
  }
}
