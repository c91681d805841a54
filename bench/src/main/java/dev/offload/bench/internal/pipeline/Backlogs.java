package dev.offload.bench.internal.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Samples, a few times a second, the backlog of every stage: the benchmark's own counts (requests
 * in flight at the API, events accepted and not yet captured) and the lag of every consumer group
 * of the cluster (the end offset minus the committed offset, summed over the partitions of its
 * input topics; a routed record's transaction marker counts as one).
 */
public final class Backlogs implements AutoCloseable {
  private static final Duration EVERY = Duration.ofMillis(250);

  /** One sample: when, and each stage's backlog, in events. */
  public record Sample(long nanos, Map<String, Long> backlog) {}

  private final Admin admin;
  private final Map<String, LongSupplier> counted;
  private final List<Sample> samples = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  /** Samples the groups of {@code bootstrap} and the {@code counted} stages. */
  public Backlogs(String bootstrap, Map<String, LongSupplier> counted) {
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    this.counted = new LinkedHashMap<>(counted);
    this.thread = new Thread(this::run, "bench-pipeline-backlogs");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      long at = System.nanoTime();
      try {
        samples.add(new Sample(at, sampleNow()));
      } catch (ExecutionException e) {
        // A group that is rebalancing can fail one listing; the next sample retries.
      } catch (InterruptedException e) {
        return;
      }
      long rest = EVERY.toNanos() - (System.nanoTime() - at);
      if (rest > 0) {
        LockSupport.parkNanos(rest);
      }
    }
  }

  /** Each stage's backlog now. */
  public Map<String, Long> sampleNow() throws ExecutionException, InterruptedException {
    Map<String, Long> backlog = new LinkedHashMap<>();
    counted.forEach((stage, count) -> backlog.put(stage, Math.max(0, count.getAsLong())));
    backlog.putAll(groupLags());
    return backlog;
  }

  /** The lag of each consumer group that has committed offsets, by group id. */
  public Map<String, Long> groupLags() throws ExecutionException, InterruptedException {
    Map<String, ListConsumerGroupOffsetsSpec> specs = new HashMap<>();
    for (GroupListing g : admin.listGroups().all().get()) {
      specs.put(g.groupId(), new ListConsumerGroupOffsetsSpec());
    }
    if (specs.isEmpty()) {
      return Map.of();
    }
    Map<String, Map<TopicPartition, OffsetAndMetadata>> committed =
        admin.listConsumerGroupOffsets(specs).all().get();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    committed.values().forEach(m -> m.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest())));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
    Map<String, Long> lags = new TreeMap<>();
    committed.forEach(
        (group, offsets) -> {
          long lag = 0;
          for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            // A topology's repartition topics carry each event again: count its input only.
            boolean input = !e.getKey().topic().endsWith("-repartition");
            if (input && e.getValue() != null && ends.containsKey(e.getKey())) {
              lag += Math.max(0, ends.get(e.getKey()) - e.getValue().offset());
            }
          }
          if (!offsets.isEmpty()) {
            lags.put(group, lag);
          }
        });
    return lags;
  }

  /**
   * The groups' lags once they stop moving: read until two readings a second and a half apart agree
   * (workers commit their offsets once a second), or for at most ten seconds.
   */
  public Map<String, Long> settledGroupLags() throws ExecutionException, InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    Map<String, Long> before = groupLags();
    while (System.nanoTime() < deadline) {
      Thread.sleep(1_500);
      Map<String, Long> now = groupLags();
      if (now.equals(before)) {
        return now;
      }
      before = now;
    }
    return before;
  }

  /** The samples taken from {@code from} to {@code to} ({@link System#nanoTime()}). */
  public List<Sample> between(long from, long to) {
    List<Sample> in = new ArrayList<>();
    for (Sample s : samples) {
      if (s.nanos() >= from && s.nanos() <= to) {
        in.add(s);
      }
    }
    return in;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(10_000);
    admin.close();
  }
}
