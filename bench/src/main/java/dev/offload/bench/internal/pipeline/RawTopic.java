package dev.offload.bench.internal.pipeline;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * The topic of the raw producer and consumer baselines, created before they run. A topic created by
 * the first record it receives can answer that record NOT_LEADER, and an idempotent producer then
 * retries it for minutes on OUT_OF_ORDER_SEQUENCE; a topic whose partitions all answer a
 * ListOffsets request is led and ready.
 */
public final class RawTopic {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private RawTopic() {}

  /** Creates {@code topic} with the broker's default partitions and waits until it is led. */
  public static void create(String bootstrap, String topic)
      throws ExecutionException, InterruptedException {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty())))
          .all()
          .get();
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!ready(admin, topic)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("topic " + topic + " has no leader after " + TIMEOUT);
        }
        LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
      }
    }
  }

  private static boolean ready(Admin admin, String topic) throws InterruptedException {
    try {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      admin.listOffsets(latest).all().get();
      return true;
    } catch (ExecutionException e) {
      return false;
    }
  }
}
