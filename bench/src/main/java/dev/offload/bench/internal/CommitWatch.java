package dev.offload.bench.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Tells when a consumer group (a Kafka Streams application or a plain consumer) has drained its
 * input: its committed offsets reached the input's end in every partition, and then, for a topology
 * that repartitions, the committed end of each of its {@code <group>-...-repartition} topics.
 */
public final class CommitWatch implements AutoCloseable {
  private static final Duration CHECK_EVERY = Duration.ofMillis(25);

  private final Admin admin;

  /** A watch on the cluster at {@code bootstrap}. */
  public CommitWatch(String bootstrap) {
    this.admin = EventLoad.admin(bootstrap);
  }

  /**
   * Waits until {@code group} has committed {@code inputEnds} and its repartition topics' ends.
   *
   * @param failed checked on every round: when it answers true the wait gives up
   * @return {@link System#nanoTime()} when the drain was seen complete
   * @throws IllegalStateException after {@code timeout}, naming how far the group got
   */
  public long awaitDrained(
      String group, Map<TopicPartition, Long> inputEnds, Duration timeout, BooleanSupplier failed)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean inputDone = false;
    Map<TopicPartition, Long> internalEnds = Map.of();
    while (true) {
      Map<TopicPartition, OffsetAndMetadata> committed = committed(group);
      if (!inputDone && reached(committed, inputEnds)) {
        inputDone = true;
        // Once the input is committed, everything it wrote to the repartition topics is too.
        internalEnds = repartitionEnds(group);
      }
      if (inputDone && reached(committed, internalEnds)) {
        return System.nanoTime();
      }
      if (failed.getAsBoolean() || System.nanoTime() > deadline) {
        throw new IllegalStateException(
            group
                + " did not drain its input within "
                + timeout
                + (failed.getAsBoolean() ? " (it failed)" : "")
                + ": committed "
                + total(committed)
                + " of "
                + (total(inputEnds) + total(internalEnds)));
      }
      LockSupport.parkNanos(CHECK_EVERY.toNanos());
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  private static boolean reached(
      Map<TopicPartition, OffsetAndMetadata> committed, Map<TopicPartition, Long> ends) {
    for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
      if (e.getValue() == 0) {
        continue;
      }
      OffsetAndMetadata c = committed.get(e.getKey());
      if (c == null || c.offset() < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private Map<TopicPartition, OffsetAndMetadata> committed(String group)
      throws InterruptedException {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetAndMetadata> present = new HashMap<>();
      offsets.forEach(
          (tp, o) -> {
            if (o != null) {
              present.put(tp, o);
            }
          });
      return present;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the offsets of " + group + ": " + e, e);
    }
  }

  private Map<TopicPartition, Long> repartitionEnds(String group) throws InterruptedException {
    try {
      List<String> topics =
          admin.listTopics().names().get().stream()
              .filter(t -> t.startsWith(group + "-") && t.endsWith("-repartition"))
              .toList();
      if (topics.isEmpty()) {
        return Map.of();
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get()
          .forEach(
              (name, d) ->
                  d.partitions()
                      .forEach(
                          i ->
                              latest.put(
                                  new TopicPartition(name, i.partition()), OffsetSpec.latest())));
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin
          .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
          .all()
          .get()
          .forEach((tp, info) -> ends.put(tp, info.offset()));
      return ends;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the repartition topics of " + group, e);
    }
  }

  private static long total(Map<TopicPartition, ?> offsets) {
    long sum = 0;
    for (Object o : offsets.values()) {
      sum += o instanceof OffsetAndMetadata m ? m.offset() : (Long) o;
    }
    return sum;
  }

  @Override
  public void close() {
    admin.close();
  }
}
