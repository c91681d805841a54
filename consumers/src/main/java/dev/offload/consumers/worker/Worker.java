package dev.offload.consumers.worker;

import dev.offload.consumers.worker.internal.BatchingHandler;
import dev.offload.consumers.worker.internal.TopicProvisioner;
import dev.offload.consumers.worker.internal.WorkerEngine;
import dev.offload.consumers.worker.internal.WorkerMetrics;
import dev.offload.consumers.worker.internal.WorkerRuntime;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: one consumer group running one handler, key-ordered and parallel beyond the partition
 * count, with backpressure, retries, delay topics and a dead-letter topic.
 *
 * <pre>{@code
 * WorkerOptions options = WorkerOptions.defaults(bootstrap, "email", List.of(topic));
 * HandlerBinding<Signup> email = HandlerBinding.blocking("email", deserializer, this::send, 16);
 * try (Worker worker = Worker.builder(options, email).meterRegistry(registry).start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link Builder#start()} creates the delay and dead-letter topics when missing, subscribes and
 * polls on a thread of its own; {@link #close()} drains in-flight records within the shutdown
 * timeout, commits and leaves the group.
 *
 * <p><b>Retries and key order.</b> A short backoff is waited in place, blocking only the record's
 * key; a long one sends the record to a delay topic {@code offload.retry.<group>.<delay>} and the
 * partition moves on. Either way later records of the key wait behind the retry, and other keys
 * flow. A key waiting for a delay topic stays parked whichever member reads the retry and whichever
 * member owns the key's partition after a rebalance: the parking is derived from Kafka. A newly
 * assigned source partition is fetched only after a reader with no group read the delay topics from
 * the group's committed offsets to their ends and parked the key of every pending retry whose
 * origin headers name that partition; a parked key is released when its retry comes back to this
 * member, or when the group's committed offset on the retry's delay partition passed it (checked
 * every commit interval while keys are parked, reading on to the delay topics' ends first so that a
 * retry that failed again and moved on keeps the key parked). Parked records are buffered and count
 * toward backpressure; offsets are committed only below the lowest unfinished record. The cost is
 * one extra consumer per worker, reading the delay topics on assignment and while keys are parked
 * ({@link WorkerMetricNames#PARKED_RETRIES}, {@link WorkerMetricNames#DELAY_RECORDS_READ}).
 *
 * <p><b>Replay lane.</b> With {@link Builder#replayLane(double)} the worker also consumes {@link
 * Topics#replay(String) offload.replay.&lt;group&gt;} (filled by {@code offload replay --into
 * offload.replay.<group>}) alongside its live topics, so a backfill neither stops nor starves the
 * live traffic. The lane is a second consumer in the same process and the same consumer group,
 * subscribed only to the replay topic, with its own poll thread and its own in-flight accounting:
 * at most {@code max(1, floor(share * maxInFlight))} lane records are in flight at once, whatever
 * the backlog, while the live consumer keeps all of its {@code maxInFlight} slots. A separate
 * consumer (rather than one consumer with two budgets) means a paused, full lane never holds back a
 * live poll and a lane rebalance never revokes live partitions (cooperative assignment). Both run
 * the same handler, so a replayed event whose id was already processed is skipped by the same
 * {@link dev.offload.consumers.dedup.ProcessedEventStore}; lane failures go to the group's delay
 * and dead-letter topics like live ones, and their retries come back through the live consumer.
 * Meters carry {@code lane=live} or {@code lane=replay}.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final WorkerOptions options;
  private final WorkerEngine engine;

  /** How long closing the group's consumer waits for the coordinator once offsets are committed. */
  static final Duration CONSUMER_CLOSE_TIMEOUT = Duration.ofSeconds(3);

  /** The instrumentation scope of the workers' spans. */
  public static final String TRACER = "dev.offload.worker";

  private final List<AutoCloseable> owned;
  private final Thread thread;
  private volatile boolean stopRequested;
  private volatile boolean running;
  private volatile boolean closed;
  private final AtomicBoolean released = new AtomicBoolean();
  private final Worker lane;

  private Worker(
      WorkerOptions options, WorkerEngine engine, List<AutoCloseable> owned, Worker lane) {
    this.options = options;
    this.engine = engine;
    this.owned = owned;
    this.lane = lane;
    String suffix =
        options.topics().equals(List.of(Topics.replay(options.group()))) ? "-replay" : "";
    this.thread = new Thread(this::run, "offload-worker-" + options.group() + suffix);
  }

  /** A builder for a worker of {@code binding} configured by {@code options}. */
  public static <T> Builder<T> builder(WorkerOptions options, HandlerBinding<T> binding) {
    return new Builder<>(options, binding);
  }

  /** Whether the polling thread is alive. */
  public boolean isRunning() {
    return running;
  }

  /** The worker's options. */
  public WorkerOptions options() {
    return options;
  }

  /** One turn of the poll loop on the caller's thread, for tests that drive the worker. */
  void runOnce() {
    engine.runOnce();
  }

  /** Records in flight. */
  int inFlight() {
    return engine.inFlight();
  }

  /** Records fetched and waiting. */
  int buffered() {
    return engine.buffered();
  }

  private void startThread() {
    if (lane != null) {
      lane.startThread();
    }
    running = true;
    thread.start();
    log.info("Worker started: {}", options);
  }

  /** Lane records in flight, or 0 without a replay lane; for tests. */
  int laneInFlight() {
    return lane == null ? 0 : lane.inFlight();
  }

  private void run() {
    try {
      while (!stopRequested) {
        engine.runOnce();
      }
    } catch (RuntimeException e) {
      log.error("Worker {} stopped on an error", options.group(), e);
    } finally {
      shutdownAndRelease();
      running = false;
    }
  }

  /** Stops polling, drains in-flight records within the shutdown timeout, commits, leaves. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (lane != null) {
      lane.close();
    }
    closed = true;
    stopRequested = true;
    if (!thread.isAlive()) {
      shutdownAndRelease();
      return;
    }
    try {
      thread.join(options.shutdownTimeout().plusSeconds(15).toMillis());
      if (thread.isAlive()) {
        log.warn("Worker {} did not stop in time", options.group());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void shutdownAndRelease() {
    if (!released.compareAndSet(false, true)) {
      return;
    }
    try {
      engine.shutdown();
    } catch (RuntimeException e) {
      log.warn("Worker {} did not shut down cleanly: {}", options.group(), e.toString());
    }
    for (AutoCloseable resource : owned) {
      try {
        resource.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        log.warn("Worker {} could not close {}: {}", options.group(), resource, e.toString());
      }
    }
    log.info("Worker {} stopped", options.group());
  }

  /**
   * Assembles a worker. Everything but the options and the handler has a default: Kafka clients
   * from the options, the system UTC clock, a pool of {@code max(2, cores)} threads to start
   * records on, a single-thread scheduler and a {@link SimpleMeterRegistry}.
   */
  public static final class Builder<T> {
    private final WorkerOptions options;
    private final HandlerBinding<T> binding;
    private MeterRegistry registry = new SimpleMeterRegistry();
    private Clock clock = Clock.systemUTC();
    private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();
    private Scheduler scheduler;
    private Executor executor;
    private Consumer<byte[], byte[]> consumer;
    private Producer<byte[], byte[]> producer;
    private Consumer<byte[], byte[]> delayReader;
    private double replayShare;
    private Tracing tracing = Tracing.off();

    private Builder(WorkerOptions options, HandlerBinding<T> binding) {
      this.options = Objects.requireNonNull(options, "options");
      this.binding = Objects.requireNonNull(binding, "binding");
    }

    /** Where the worker registers its meters. */
    public Builder<T> meterRegistry(MeterRegistry value) {
      this.registry = Objects.requireNonNull(value, "meterRegistry");
      return this;
    }

    /** Where the spans of its attempts go; default none. */
    public Builder<T> tracing(Tracing value) {
      this.tracing = Objects.requireNonNull(value, "tracing");
      return this;
    }

    /** The clock of failure times, retry due times and commits. */
    public Builder<T> clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** Uniform random numbers in [0, 1) that draw the backoff jitter. */
    public Builder<T> jitter(DoubleSupplier value) {
      this.jitter = Objects.requireNonNull(value, "jitter");
      return this;
    }

    /** What waits for in-place retries; the caller owns it. */
    public Builder<T> scheduler(Scheduler value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /** Where records start (deserialization and handler call); the caller owns it. */
    public Builder<T> executor(Executor value) {
      this.executor = Objects.requireNonNull(value, "executor");
      return this;
    }

    /**
     * Kafka clients to use instead of creating them (tests pass {@code MockConsumer} and {@code
     * MockProducer}); the worker closes them. No topic is created then.
     */
    public Builder<T> clients(Consumer<byte[], byte[]> c, Producer<byte[], byte[]> p) {
      this.consumer = Objects.requireNonNull(c, "consumer");
      this.producer = Objects.requireNonNull(p, "producer");
      return this;
    }

    /**
     * A consumer with no group that reads the delay topics to keep retried keys parked across
     * members, for tests on mock clients; the worker closes it. Without it, mock clients read
     * nothing from the delay topics and a parked key waits for its retry or the group's commit.
     */
    Builder<T> delayReader(Consumer<byte[], byte[]> value) {
      this.delayReader = Objects.requireNonNull(value, "delayReader");
      return this;
    }

    /**
     * Also consume the replay lane {@code offload.replay.<group>}, with at most {@code max(1,
     * floor(share * maxInFlight))} of its records in flight at once (see the class comment); 0, the
     * default, turns the lane off. Needs Kafka clients from the options, not {@link #clients}.
     *
     * @param share of {@code maxInFlight}, in [0, 1]; for example 0.25
     */
    public Builder<T> replayLane(double share) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("replayLane share must be in [0, 1], was " + share);
      }
      this.replayShare = share;
      return this;
    }

    /** The most lane records in flight at once for {@code share} of {@code maxInFlight}. */
    static int laneSlots(double share, int maxInFlight) {
      return Math.max(1, (int) Math.floor(share * maxInFlight));
    }

    /** Builds and subscribes the worker without starting its thread; tests drive it. */
    Worker build() {
      if (replayShare > 0 && consumer != null) {
        throw new IllegalStateException("a replay lane needs Kafka clients from the options");
      }
      List<AutoCloseable> owned = new ArrayList<>();
      if (consumer == null) {
        TopicProvisioner.ensure(
            options.adminProperties(), internalTopics(), options.internalTopicPartitions());
        consumer = new KafkaConsumer<>(options.consumerProperties());
        producer = new KafkaProducer<>(options.producerProperties());
        delayReader = new KafkaConsumer<>(options.delayReaderProperties());
      }
      // Closing sends the group's leave and waits for the requests pending at the coordinator: a
      // join held there until a member that died times out would keep the stop waiting 30 s.
      Consumer<byte[], byte[]> live = consumer;
      owned.add(() -> live.close(CloseOptions.timeout(CONSUMER_CLOSE_TIMEOUT)));
      owned.add(() -> producer.close(Duration.ofSeconds(10)));
      if (delayReader != null) {
        owned.add(delayReader);
      }
      WorkerRuntime runtime =
          new WorkerRuntime(
              executor == null ? ownedExecutor(owned) : executor,
              scheduler == null ? ownedScheduler(owned) : scheduler,
              clock,
              jitter,
              new WorkerMetrics(registry, options.group(), binding.name()),
              tracing.tracer(TRACER));
      if (binding.handler() instanceof BatchingHandler<?> batching) {
        batching.bindTo(registry, options.group());
      }
      if (binding.handler() instanceof AutoCloseable closeable) {
        owned.add(0, closeable);
      }
      Worker lane = null;
      if (replayShare > 0) {
        try {
          lane = buildLane(runtime);
        } catch (RuntimeException e) {
          closeQuietly(owned);
          throw e;
        }
      }
      WorkerEngine engine =
          new WorkerEngine(options, binding, consumer, producer, delayReader, runtime);
      engine.subscribe();
      return new Worker(options, engine, owned, lane);
    }

    private Worker buildLane(WorkerRuntime live) {
      int slots = laneSlots(replayShare, options.maxInFlight());
      WorkerOptions laneOptions =
          options.withTopics(List.of(Topics.replay(options.group()))).withMaxInFlight(slots);
      String instance = options.kafkaProperties().get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
      if (instance != null) {
        // A static member of the group: the lane is another member, so another instance.
        Map<String, String> kafka = new HashMap<>(laneOptions.kafkaProperties());
        kafka.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instance + "-replay");
        laneOptions = laneOptions.withKafkaProperties(Map.copyOf(kafka));
      }
      TopicProvisioner.ensure(
          options.adminProperties(), laneOptions.topics(), options.internalTopicPartitions());
      List<AutoCloseable> laneOwned = new ArrayList<>();
      Consumer<byte[], byte[]> c = new KafkaConsumer<>(laneOptions.consumerProperties());
      Producer<byte[], byte[]> p = new KafkaProducer<>(laneOptions.producerProperties());
      Consumer<byte[], byte[]> r = new KafkaConsumer<>(laneOptions.delayReaderProperties());
      laneOwned.add(c);
      laneOwned.add(() -> p.close(Duration.ofSeconds(10)));
      laneOwned.add(r);
      WorkerRuntime runtime =
          new WorkerRuntime(
              live.executor(),
              live.scheduler(),
              clock,
              jitter,
              new WorkerMetrics(
                  registry, options.group(), binding.name(), WorkerMetricNames.LANE_REPLAY),
              live.tracer());
      WorkerEngine engine = new WorkerEngine(laneOptions, binding, c, p, r, runtime, false);
      engine.subscribe();
      return new Worker(laneOptions, engine, laneOwned, null);
    }

    /** Builds the worker and starts polling on its own thread. */
    public Worker start() {
      Worker worker = build();
      worker.startThread();
      return worker;
    }

    private List<String> internalTopics() {
      List<String> topics = new ArrayList<>(options.retry().delayTopics(options.group()));
      topics.add(Topics.deadLetters(options.group()));
      return topics;
    }

    private static void closeQuietly(List<AutoCloseable> resources) {
      for (AutoCloseable resource : resources) {
        try {
          resource.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (Exception e) {
          log.warn("Could not close {}: {}", resource, e.toString());
        }
      }
    }

    private Executor ownedExecutor(List<AutoCloseable> owned) {
      AtomicInteger n = new AtomicInteger();
      int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
      ExecutorService pool =
          Executors.newFixedThreadPool(
              threads, r -> daemon(r, "offload-" + options.group() + "-" + n.incrementAndGet()));
      owned.add(0, () -> shutdown(pool));
      return pool;
    }

    private Scheduler ownedScheduler(List<AutoCloseable> owned) {
      ScheduledExecutorService timer =
          Executors.newSingleThreadScheduledExecutor(
              r -> daemon(r, "offload-" + options.group() + "-retry"));
      owned.add(0, timer::shutdownNow);
      return Scheduler.of(timer);
    }

    private static Thread daemon(Runnable r, String name) {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    }

    private static void shutdown(ExecutorService pool) throws InterruptedException {
      pool.shutdown();
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    }
  }
}
