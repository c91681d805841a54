package dev.offload.app.internal;

import dev.offload.consumers.HandlerCatalog;
import dev.offload.consumers.HandlerContext;
import dev.offload.consumers.HandlerDefinition;
import dev.offload.consumers.WorkerRole;
import dev.offload.consumers.handlers.analytics.AnalyticsHandler;
import dev.offload.consumers.handlers.analytics.PageAnalytics;
import dev.offload.consumers.handlers.email.EmailConfig;
import dev.offload.consumers.handlers.email.EmailHandler;
import dev.offload.consumers.handlers.index.IndexHandler;
import dev.offload.consumers.handlers.index.SearchIndex;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.runtime.tracing.Tracing;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.registry.SchemaRegistry;
import dev.offload.streams.router.RouterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The workers of {@code offload dev}: every handler of the {@link HandlerCatalog} run by its {@link
 * WorkerRole}, as {@code offload worker} runs one: email, index and analytics, each a consumer
 * group {@code offload-worker-<handler>} on its routed work topic {@code offload.work.<handler>},
 * and the event log, group {@code offload-event-log} on every event topic. Closing stops the roles,
 * the last started first, each closing its sinks after its worker.
 */
public final class HandlerWorkers implements AutoCloseable {
  /**
   * The router's table in {@code offload dev}: each built-in type to the handler that acts on it,
   * which is the router's default table {@link RouterConfig#DEFAULT_ROUTES}.
   */
  public static final Map<String, Object> ROUTES = Map.copyOf(RouterConfig.DEFAULT_ROUTES);

  /** The work topics the workers read. */
  public static final List<String> WORK_TOPICS =
      List.of(EmailHandler.WORK_TOPIC, IndexHandler.WORK_TOPIC, AnalyticsHandler.WORK_TOPIC);

  /**
   * Connections the workers use at once: each handler's, with its default threads (one per email
   * sending thread, one per analytics batch thread, one per purge of processed-event marks).
   */
  public static final int CONNECTIONS =
      HandlerCatalog.builtIns().all().stream()
          .mapToInt(handler -> handler.connections(OptionalInt.empty()))
          .sum();

  /**
   * How long a stop waits for records in flight: what finished by then is committed, the rest is
   * redelivered on the next start (the workers' dedup marks keep their effects once).
   */
  public static final Duration DRAIN_DEADLINE = Duration.ofSeconds(2);

  /**
   * Partitions of each delay and dead-letter topic the dev stack's workers create: one, as a single
   * process reads them. Each partition costs the broker at every start (a fifth of its partitions
   * were these, six each).
   */
  static final int INTERNAL_TOPIC_PARTITIONS = 1;

  private final Deque<WorkerRole> running;

  private HandlerWorkers(Deque<WorkerRole> running) {
    this.running = running;
  }

  /**
   * Starts every worker.
   *
   * @param indexDir where the search index lives
   * @param db the database of processed-event marks and of the page-view rollup, pooled with at
   *     least {@link #CONNECTIONS} connections
   * @param smtp the SMTP server mails go to
   * @param tracing where the spans of the workers' attempts go
   */
  public static HandlerWorkers start(
      String bootstrapServers,
      SchemaRegistry schemas,
      EmailConfig smtp,
      Path indexDir,
      DataSource db,
      MeterRegistry meters,
      Tracing tracing) {
    createTopics(bootstrapServers);
    // Each worker's start waits mostly on Kafka and PostgreSQL round trips (its topics, its
    // clients, its tables), so they start at the same time.
    List<HandlerDefinition<?>> handlers = HandlerCatalog.builtIns().all();
    ExecutorService starting =
        Executors.newFixedThreadPool(
            handlers.size(),
            r -> {
              Thread t = new Thread(r, "offload-worker-start");
              t.setDaemon(true);
              return t;
            });
    List<Future<WorkerRole>> starts = new ArrayList<>();
    for (HandlerDefinition<?> handler : handlers) {
      starts.add(
          starting.submit(
              () ->
                  start(
                      handler,
                      bootstrapServers,
                      tracing,
                      HandlerContext.builder(handler.defaultGroup(), schemas, meters)
                          .smtp(smtp)
                          .indexDir(indexDir)
                          .database(db)
                          .build())));
    }
    starting.shutdown();
    Deque<WorkerRole> started = new ArrayDeque<>();
    Throwable failure = null;
    for (Future<WorkerRole> start : starts) {
      try {
        started.push(start.get());
      } catch (ExecutionException e) {
        failure = failure == null ? e.getCause() : failure;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = failure == null ? e : failure;
      }
    }
    if (failure == null) {
      return new HandlerWorkers(started);
    }
    closeAll(started);
    if (failure instanceof IOException e) {
      throw new UncheckedIOException("cannot open the search index in " + indexDir, e);
    }
    if (failure instanceof SQLException e) {
      throw new IllegalStateException("cannot prepare the workers' tables: " + e.getMessage(), e);
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    throw new IllegalStateException("cannot start the handler workers: " + failure, failure);
  }

  private static <T> WorkerRole start(
      HandlerDefinition<T> handler, String bootstrap, Tracing tracing, HandlerContext context)
      throws IOException, SQLException {
    WorkerOptions options =
        handler
            .defaultOptions(bootstrap, handler.defaultGroup())
            .withShutdownTimeout(DRAIN_DEADLINE)
            .withInternalTopicPartitions(INTERNAL_TOPIC_PARTITIONS);
    // One process of the dev stack is each group's only member, a static one: after a kill -9 the
    // next start takes the dead member's place at once instead of waiting out its session.
    Map<String, String> kafka = new HashMap<>(options.kafkaProperties());
    kafka.putIfAbsent(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, options.group() + "-dev");
    kafka.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    options = options.withKafkaProperties(Map.copyOf(kafka));
    return WorkerRole.builder(handler, options, context).tracing(tracing).start();
  }

  /**
   * Creates the built-in event topics and the work topics when missing, with the broker's default
   * partitions: the router subscribes to {@code offload.events.*} by pattern and would otherwise
   * see a type's topic only at its next metadata refresh after the first event created it.
   */
  public static void createTopics(String bootstrapServers) {
    createTopics(bootstrapServers, List.of());
  }

  /** Creates the topics of {@link #createTopics(String)} and {@code others} when missing. */
  public static void createTopics(String bootstrapServers, List<String> others) {
    List<String> names = new ArrayList<>(WORK_TOPICS);
    BuiltInEventTypes.all().forEach(type -> names.add(type.topic()));
    names.addAll(others);
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      List<NewTopic> topics =
          names.stream().map(t -> new NewTopic(t, Optional.empty(), Optional.empty())).toList();
      for (var result : admin.createTopics(topics).values().values()) {
        try {
          result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("cannot create a work topic: " + e.getCause(), e);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the work topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the broker did not create the work topics in 30 s", e);
    }
  }

  /** The consumer group of {@code handler} in dev. */
  public static String group(String handler) {
    return "offload-worker-" + handler;
  }

  /** The search index the index worker writes. */
  public SearchIndex index() {
    return sink(IndexHandler.NAME, HandlerContext::searchIndex);
  }

  /** The page-view rollup the analytics worker writes. */
  public PageAnalytics analytics() {
    return sink(AnalyticsHandler.NAME, HandlerContext::pageAnalytics);
  }

  /** Whether every worker's polling thread is alive. */
  public boolean isRunning() {
    return running.stream().allMatch(WorkerRole::isRunning);
  }

  /** Whether the polling thread of {@code handler}'s worker is alive. */
  public boolean isRunning(String handler) {
    return running.stream()
        .anyMatch(role -> role.handler().name().equals(handler) && role.isRunning());
  }

  /** Stops the workers, each closing its sinks. */
  @Override
  public void close() {
    closeAll(running);
  }

  private <S> S sink(String handler, Sink<S> open) {
    for (WorkerRole role : running) {
      if (role.handler().name().equals(handler)) {
        try {
          return open.of(role.context());
        } catch (IOException | SQLException e) {
          throw new IllegalStateException("the " + handler + " worker's sink is closed: " + e, e);
        }
      }
    }
    throw new IllegalStateException("no " + handler + " worker runs");
  }

  /** A sink that a role's context opened. */
  private interface Sink<S> {
    S of(HandlerContext context) throws IOException, SQLException;
  }

  private static void closeAll(Deque<WorkerRole> parts) {
    RuntimeException failure = null;
    while (!parts.isEmpty()) {
      try {
        parts.pop().close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("stopping a handler worker failed: " + e, e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
