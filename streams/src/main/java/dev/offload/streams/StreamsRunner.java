package dev.offload.streams;

import dev.offload.runtime.tracing.Tracing;
import dev.offload.streams.deadletter.DeadLetterHandler;
import dev.offload.streams.http.StreamsHttpServer;
import dev.offload.streams.internal.InputTopicWait;
import dev.offload.streams.internal.InstanceDirectory;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one topology as N Kafka Streams instances in this JVM, with Offload's dead-letter handling,
 * thread replacement, Micrometer metrics and an HTTP server for {@code /health/ready}, {@code
 * /metrics} and interactive queries. More instances with the same application id, here or in other
 * processes, share the partitions.
 *
 * <p>A dead stream thread is replaced and counted; if threads keep dying (more than 10 a minute per
 * runner) the instance shuts down into ERROR, which {@code /health/ready} reports.
 *
 * <p>Metrics: Kafka Streams' own ({@code kafka.stream.*}), {@code
 * offload.streams.records.processed}, {@code offload.streams.records.dead.lettered} and {@code
 * offload.streams.threads.replaced}, all tagged {@code topology}.
 */
public final class StreamsRunner implements AutoCloseable {
  /** Counter of stream threads that died and were replaced. */
  public static final String THREADS_REPLACED_METRIC = "offload.streams.threads.replaced";

  /** Records processed by the topology's stream threads. */
  public static final String PROCESSED_METRIC = "offload.streams.records.processed";

  /**
   * More thread deaths than this within {@link #DEATH_WINDOW} stop replacing: the error persists.
   */
  static final int MAX_DEATHS_PER_WINDOW = 10;

  static final Duration DEATH_WINDOW = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(StreamsRunner.class);

  private final TopologyDefinition definition;
  private final String applicationId;
  private final MeterRegistry registry;
  private final List<KafkaStreams> instances = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final ArrayDeque<Long> recentDeaths = new ArrayDeque<>();
  private volatile boolean leaveGroupOnClose;
  private StreamsHttpServer http;
  private InputTopicWait inputWait;

  private StreamsRunner(TopologyDefinition definition, String applicationId, MeterRegistry r) {
    this.definition = definition;
    this.applicationId = applicationId;
    this.registry = r;
  }

  /** Starts {@code definition} with its own Prometheus registry. */
  public static StreamsRunner start(
      TopologyDefinition definition, StreamsConfiguration configuration) {
    return start(definition, configuration, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /**
   * Starts {@code definition} as configured; returns once every instance has been started (not
   * necessarily reached RUNNING), or, when an input pattern matches no topic yet, holds them back
   * (state CREATED) until one does. {@code /metrics} is served when {@code registry} is a {@link
   * PrometheusMeterRegistry}.
   */
  public static StreamsRunner start(
      TopologyDefinition definition, StreamsConfiguration configuration, MeterRegistry registry) {
    return start(definition, configuration, registry, Tracing.off());
  }

  /** As {@link #start(TopologyDefinition, StreamsConfiguration, MeterRegistry)}, with spans. */
  public static StreamsRunner start(
      TopologyDefinition definition,
      StreamsConfiguration configuration,
      MeterRegistry registry,
      Tracing tracing) {
    String appId = configuration.applicationIdFor(definition.name());
    TopologyContext context =
        new TopologyContext(
            definition.name(), appId, configuration.sectionOf(definition.name()), tracing);
    StreamsRunner runner = new StreamsRunner(definition, appId, registry);
    try {
      runner.startAll(context, configuration);
    } catch (RuntimeException e) {
      runner.close();
      throw e;
    }
    return runner;
  }

  private void startAll(TopologyContext context, StreamsConfiguration settings) {
    String appServer = null;
    if (settings.http().port() >= 0) {
      http =
          StreamsHttpServer.start(this, settings.http().host(), settings.http().port(), registry);
      appServer = settings.http().host() + ":" + http.port();
    }
    FunctionCounter.builder(PROCESSED_METRIC, this, StreamsRunner::processedTotal)
        .description("Records processed by the topology's stream threads")
        .tag("topology", definition.name())
        .register(registry);
    Topology first = null;
    List<KafkaStreams> created = new ArrayList<>();
    for (int i = 0; i < settings.instances(); i++) {
      InstanceDirectory dir = InstanceDirectory.acquire(settings.stateDir(), applicationId);
      resources.add(dir);
      Properties props = settings.toProperties(applicationId, dir.path(), appServer);
      DeadLetterHandler.applyTo(props, context.deadLetterTopic(), registry);
      props.put(DeadLetterHandler.TOPOLOGY_CONFIG, definition.name());
      Topology topology = definition.build(context);
      first = first == null ? topology : first;
      KafkaStreams streams = new KafkaStreams(topology, props);
      streams.setUncaughtExceptionHandler(this::replaceThread);
      String instance = Integer.toString(i);
      streams.setStateListener(
          (now, before) ->
              log.info("{} instance {}: {} -> {}", definition.name(), instance, before, now));
      KafkaStreamsMetrics metrics =
          new KafkaStreamsMetrics(
              streams, Tags.of("topology", definition.name(), "instance", instance));
      metrics.bindTo(registry);
      resources.add(metrics);
      instances.add(streams);
      created.add(streams);
    }
    inputWait =
        InputTopicWait.thenStart(
            settings.adminProperties(), first, () -> created.forEach(KafkaStreams::start));
    if (http != null) {
      http.serve(first);
    }
    log.info(
        "Started topology {} as {} instance(s) of {} ({}){}",
        definition.name(),
        settings.instances(),
        applicationId,
        settings.processingGuarantee(),
        http == null ? "" : ", HTTP on " + appServer);
  }

  private StreamThreadExceptionResponse replaceThread(Throwable e) {
    long now = System.nanoTime();
    synchronized (recentDeaths) {
      recentDeaths.addLast(now);
      while (now - recentDeaths.peekFirst() > DEATH_WINDOW.toNanos()) {
        recentDeaths.removeFirst();
      }
      if (recentDeaths.size() > MAX_DEATHS_PER_WINDOW) {
        log.error(
            "Stream threads of {} died {} times within {}; shutting the instance down (ERROR)",
            definition.name(),
            recentDeaths.size(),
            DEATH_WINDOW,
            e);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      }
    }
    log.error("A stream thread of {} died; replacing it", definition.name(), e);
    registry.counter(THREADS_REPLACED_METRIC, "topology", definition.name()).increment();
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  private double processedTotal() {
    double total = 0;
    for (KafkaStreams streams : instances) {
      for (var entry : streams.metrics().entrySet()) {
        MetricName name = entry.getKey();
        if (name.name().equals("process-total") && name.group().equals("stream-thread-metrics")) {
          total += value(entry.getValue());
        }
      }
    }
    return total;
  }

  private static double value(Metric metric) {
    return metric.metricValue() instanceof Number n ? n.doubleValue() : 0;
  }

  /** The topology being run. */
  public TopologyDefinition definition() {
    return definition;
  }

  /** The application id its instances share. */
  public String applicationId() {
    return applicationId;
  }

  /** The Kafka Streams instances in this JVM, for interactive queries. */
  public List<KafkaStreams> instances() {
    return List.copyOf(instances);
  }

  /** The registry metrics are bound to. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Whether the instances are held back until a topic matches each input pattern. */
  public boolean isWaitingForInputTopics() {
    return inputWait != null && inputWait.isWaiting();
  }

  /** The HTTP port, or -1 when no server runs. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /**
   * The overall state: ERROR or NOT_RUNNING if any instance is, RUNNING if all are, otherwise the
   * first instance's (REBALANCING while partitions move).
   */
  public KafkaStreams.State state() {
    List<KafkaStreams.State> states = instances.stream().map(KafkaStreams::state).toList();
    if (states.isEmpty()) {
      return KafkaStreams.State.CREATED;
    }
    for (KafkaStreams.State bad :
        List.of(KafkaStreams.State.ERROR, KafkaStreams.State.PENDING_ERROR)) {
      if (states.contains(bad)) {
        return KafkaStreams.State.ERROR;
      }
    }
    if (states.contains(KafkaStreams.State.NOT_RUNNING)
        || states.contains(KafkaStreams.State.PENDING_SHUTDOWN)) {
      return KafkaStreams.State.NOT_RUNNING;
    }
    if (states.stream().allMatch(s -> s == KafkaStreams.State.RUNNING)) {
      return KafkaStreams.State.RUNNING;
    }
    return states.stream()
        .filter(s -> s != KafkaStreams.State.RUNNING)
        .findFirst()
        .orElse(KafkaStreams.State.REBALANCING);
  }

  /** Ready means RUNNING or REBALANCING: alive and processing or about to. */
  public boolean isReady() {
    KafkaStreams.State state = state();
    return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
  }

  /**
   * Makes {@link #close} leave the consumer group, so that the next start of a single instance is
   * assigned its tasks at once instead of waiting for this member's session to time out. Kafka
   * Streams stays in the group by default, so that instances restarted one at a time do not move
   * tasks twice.
   */
  public StreamsRunner leaveGroupOnClose() {
    this.leaveGroupOnClose = true;
    return this;
  }

  /** Stops the HTTP server and every instance, waiting up to 30 s each. */
  @Override
  public void close() {
    if (inputWait != null) {
      inputWait.close();
    }
    if (http != null) {
      http.close();
    }
    CloseOptions options =
        CloseOptions.timeout(Duration.ofSeconds(30))
            .withGroupMembershipOperation(
                leaveGroupOnClose
                    ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
                    : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP);
    for (KafkaStreams streams : instances) {
      streams.close(options);
    }
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("Closing {} of {} failed", resource, definition.name(), e);
      }
    }
  }
}
