package dev.offload.app.internal;

import dev.offload.consumers.dedup.DedupRetention;
import dev.offload.consumers.dedup.ProcessedEventStore;
import dev.offload.consumers.handlers.EventDeserializers;
import dev.offload.consumers.handlers.analytics.AnalyticsHandler;
import dev.offload.consumers.handlers.analytics.PageAnalytics;
import dev.offload.consumers.handlers.email.EmailConfig;
import dev.offload.consumers.handlers.email.EmailHandler;
import dev.offload.consumers.handlers.index.IndexHandler;
import dev.offload.consumers.handlers.index.SearchIndex;
import dev.offload.consumers.handlers.index.SearchIndexConfig;
import dev.offload.consumers.worker.BatchOptions;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.Worker;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.runtime.breaker.CircuitBreaker;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The three handler workers of {@code offload dev} (email, index, analytics), each a consumer group
 * {@code offload-worker-<handler>} on its routed work topic {@code offload.work.<handler>}. Closing
 * stops the workers, then the search index.
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
   * Connections the workers use at once: one per email sending thread, one per analytics batch
   * thread, and one for the marks' purge.
   */
  public static final int CONNECTIONS =
      EmailHandler.DEFAULT_THREADS + BatchOptions.DEFAULT_THREADS + 1;

  /**
   * How long a stop waits for records in flight: what finished by then is committed, the rest is
   * redelivered on the next start (the workers' dedup marks keep their effects once).
   */
  public static final Duration DRAIN_DEADLINE = Duration.ofSeconds(2);

  private final Deque<AutoCloseable> running = new ArrayDeque<>();
  private final SearchIndex index;
  private final PageAnalytics analytics;
  private final List<Worker> workers;

  private HandlerWorkers(SearchIndex index, PageAnalytics analytics, List<Worker> workers) {
    this.index = index;
    this.analytics = analytics;
    this.workers = workers;
  }

  /**
   * Starts the three workers.
   *
   * @param indexDir where the search index lives
   * @param db the database of processed-event marks and of the page-view rollup, pooled with at
   *     least {@link #CONNECTIONS} connections
   * @param smtp the SMTP server mails go to
   */
  public static HandlerWorkers start(
      String bootstrapServers,
      SchemaRegistry schemas,
      EmailConfig smtp,
      Path indexDir,
      DataSource db,
      MeterRegistry meters) {
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      createTopics(bootstrapServers);
      SearchIndex index = SearchIndex.open(SearchIndexConfig.defaults(indexDir));
      started.push(index);
      PageAnalytics analytics = PageAnalytics.open(db);
      ProcessedEventStore mailMarks = ProcessedEventStore.open(db, group(EmailHandler.NAME));
      ProcessedEventStore viewMarks = ProcessedEventStore.open(db, group(AnalyticsHandler.NAME));
      started.push(
          DedupRetention.start(
              List.of(mailMarks, viewMarks),
              DedupRetention.DEFAULT_RETENTION,
              DedupRetention.DEFAULT_INTERVAL,
              meters));
      Worker email =
          start(
              bootstrapServers,
              EmailHandler.WORK_TOPIC,
              EmailHandler.binding(
                  smtp,
                  mailMarks,
                  EventDeserializers.avroByEventType(schemas, EmailHandler.TYPES),
                  EmailHandler.DEFAULT_THREADS,
                  CircuitBreaker.withDefaults("smtp")),
              EmailHandler.DEFAULT_MAX_IN_FLIGHT,
              meters);
      started.push(email);
      Worker indexer =
          start(
              bootstrapServers,
              IndexHandler.WORK_TOPIC,
              IndexHandler.binding(
                  index,
                  EventDeserializers.avroOfEventType(schemas, BuiltInEventTypes.DOCUMENT_CHANGED)),
              IndexHandler.DEFAULT_MAX_IN_FLIGHT,
              meters);
      started.push(indexer);
      Worker counter =
          start(
              bootstrapServers,
              AnalyticsHandler.WORK_TOPIC,
              AnalyticsHandler.binding(
                  analytics,
                  viewMarks,
                  EventDeserializers.avroOfEventType(schemas, BuiltInEventTypes.PAGE_VIEWED)),
              AnalyticsHandler.DEFAULT_MAX_IN_FLIGHT,
              meters);
      started.push(counter);
      HandlerWorkers workers =
          new HandlerWorkers(index, analytics, List.of(email, indexer, counter));
      workers.running.addAll(started);
      return workers;
    } catch (IOException e) {
      closeAll(started);
      throw new UncheckedIOException("cannot open the search index in " + indexDir, e);
    } catch (SQLException e) {
      closeAll(started);
      throw new IllegalStateException("cannot prepare the workers' tables: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeAll(started);
      throw e;
    }
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

  private static <T> Worker start(
      String bootstrap,
      String topic,
      HandlerBinding<T> binding,
      int maxInFlight,
      MeterRegistry meters) {
    WorkerOptions options =
        WorkerOptions.defaults(bootstrap, group(binding.name()), List.of(topic))
            .withMaxInFlight(maxInFlight)
            .withShutdownTimeout(DRAIN_DEADLINE);
    return Worker.builder(options, binding).meterRegistry(meters).start();
  }

  /** The search index the index worker writes. */
  public SearchIndex index() {
    return index;
  }

  /** The page-view rollup the analytics worker writes. */
  public PageAnalytics analytics() {
    return analytics;
  }

  /** Whether every worker's polling thread is alive. */
  public boolean isRunning() {
    return workers.stream().allMatch(Worker::isRunning);
  }

  /** Stops the workers, then closes the index. */
  @Override
  public void close() {
    closeAll(running);
  }

  private static void closeAll(Deque<AutoCloseable> parts) {
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
