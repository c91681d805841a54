package dev.offload.consumers.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.consumers.retry.RetryPolicy;
import dev.offload.consumers.retry.RetryableException;
import dev.offload.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Random keys, handler delays and failures at concurrency 64, on real threads: per key, effects
 * happen in offset order, and every record is either handled once or dead-lettered once.
 */
class KeyOrderPropertyTest {
  private static final int PARTITIONS = 3;
  private static final int MAX_ATTEMPTS = 3;

  /**
   * One record: its key, how long each attempt takes, and how many attempts fail first ({@code
   * MAX_ATTEMPTS} or more means it is dead-lettered).
   */
  record Spec(int key, int delayMicros, int failures) {}

  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  @AfterProperty
  void stopThreads() {
    timers.shutdownNow();
    pool.shutdownNow();
  }

  @Provide
  Arbitrary<List<Spec>> specs() {
    Arbitrary<Spec> spec =
        Combinators.combine(
                Arbitraries.integers().between(0, 24),
                Arbitraries.integers().between(0, 2_000),
                Arbitraries.integers()
                    .between(0, MAX_ATTEMPTS)
                    .withDistribution(net.jqwik.api.RandomDistribution.uniform()))
            .as(Spec::new);
    return spec.list().ofMinSize(1).ofMaxSize(250);
  }

  @Property(tries = 30)
  void perKeyEffectsFollowOffsetOrderAndEveryRecordEndsOnce(@ForAll("specs") List<Spec> specs) {
    List<String> effects = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<Integer, AtomicInteger> attempts = new ConcurrentHashMap<>();
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    EventHandler<String> handler = event -> attempt(specs, event, attempts, effects);
    RetryPolicy retry =
        RetryPolicy.defaults()
            .withBackoff(Duration.ofMillis(1), Duration.ofMillis(2))
            .inPlaceOnly()
            .withMaxAttempts(MAX_ATTEMPTS);
    WorkerOptions options =
        WorkerOptions.defaults("mock:9092", "prop", List.of("t"))
            .withMaxInFlight(64)
            .withRetry(retry)
            .withShutdownTimeout(Duration.ofSeconds(5));
    Worker worker =
        Worker.builder(options, HandlerBinding.async("prop", new StringDeserializer(), handler))
            .clients(consumer, producer)
            .executor(pool)
            .scheduler(Scheduler.of(timers))
            .build();
    feed(consumer, specs);
    int dead = (int) specs.stream().filter(s -> s.failures() >= MAX_ATTEMPTS).count();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(1))
        .until(
            () -> {
              worker.runOnce();
              return effects.size() + producer.history().size() >= specs.size();
            });
    worker.close();

    assertThat(effects).hasSize(specs.size() - dead).doesNotHaveDuplicates();
    assertThat(producer.history())
        .allMatch(r -> r.topic().equals(Topics.deadLetters("prop")))
        .extracting(r -> Integer.parseInt(new String(r.value(), StandardCharsets.UTF_8)))
        .containsExactlyInAnyOrderElementsOf(deadIndexes(specs));
    assertThat(perKey(effects, specs)).isEqualTo(expectedPerKey(specs));
  }

  private CompletionStage<Void> attempt(
      List<Spec> specs,
      Event<String> event,
      Map<Integer, AtomicInteger> attempts,
      List<String> effects) {
    int index = Integer.parseInt(event.value());
    Spec spec = specs.get(index);
    int attempt = attempts.computeIfAbsent(index, i -> new AtomicInteger()).incrementAndGet();
    boolean fails = attempt <= spec.failures();
    Runnable finish =
        () -> {
          if (!fails) {
            effects.add(event.value());
          }
        };
    if (spec.delayMicros() < 200) {
      finish.run();
      return fails
          ? CompletableFuture.failedFuture(new RetryableException("attempt " + attempt))
          : CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    timers.schedule(
        () -> {
          finish.run();
          if (fails) {
            done.completeExceptionally(new RetryableException("attempt " + attempt));
          } else {
            done.complete(null);
          }
        },
        spec.delayMicros(),
        TimeUnit.MICROSECONDS);
    return done;
  }

  private static void feed(MockConsumer<byte[], byte[]> consumer, List<Spec> specs) {
    List<TopicPartition> partitions = new ArrayList<>();
    Map<TopicPartition, Long> beginning = new HashMap<>();
    for (int p = 0; p < PARTITIONS; p++) {
      partitions.add(new TopicPartition("t", p));
      beginning.put(partitions.get(p), 0L);
    }
    consumer.rebalance(partitions);
    consumer.updateBeginningOffsets(beginning);
    consumer.setMaxPollRecords(50);
    long[] next = new long[PARTITIONS];
    for (int i = 0; i < specs.size(); i++) {
      int key = specs.get(i).key();
      int p = key % PARTITIONS;
      consumer.addRecord(
          new ConsumerRecord<>("t", p, next[p]++, bytes("key-" + key), bytes(Integer.toString(i))));
    }
  }

  private static List<Integer> deadIndexes(List<Spec> specs) {
    List<Integer> dead = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      if (specs.get(i).failures() >= MAX_ATTEMPTS) {
        dead.add(i);
      }
    }
    return dead;
  }

  private static Map<Integer, List<Integer>> expectedPerKey(List<Spec> specs) {
    Map<Integer, List<Integer>> expected = new HashMap<>();
    for (int i = 0; i < specs.size(); i++) {
      if (specs.get(i).failures() < MAX_ATTEMPTS) {
        expected.computeIfAbsent(specs.get(i).key(), k -> new ArrayList<>()).add(i);
      }
    }
    return expected;
  }

  private static Map<Integer, List<Integer>> perKey(List<String> effects, List<Spec> specs) {
    Map<Integer, List<Integer>> actual = new HashMap<>();
    synchronized (effects) {
      for (String effect : effects) {
        int i = Integer.parseInt(effect);
        actual.computeIfAbsent(specs.get(i).key(), k -> new ArrayList<>()).add(i);
      }
    }
    return actual;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
