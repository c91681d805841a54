package dev.offload.consumers.crash;

import dev.offload.consumers.dedup.ProcessedEventStore;
import dev.offload.consumers.handlers.EventDeserializers;
import dev.offload.consumers.handlers.analytics.AnalyticsHandler;
import dev.offload.consumers.handlers.analytics.PageAnalytics;
import dev.offload.consumers.handlers.email.EmailConfig;
import dev.offload.consumers.handlers.email.EmailHandler;
import dev.offload.consumers.handlers.email.EmailTemplates;
import dev.offload.consumers.handlers.email.SmtpMailer;
import dev.offload.consumers.handlers.index.IndexHandler;
import dev.offload.consumers.handlers.index.SearchIndex;
import dev.offload.consumers.worker.BatchOptions;
import dev.offload.consumers.worker.BlockingEventHandler;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.consumers.worker.Worker;
import dev.offload.consumers.worker.WorkerOptions;
import dev.offload.schemas.BuiltInEventTypes;
import dev.offload.schemas.events.DocumentChanged;
import dev.offload.schemas.registry.SchemaRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.avro.specific.SpecificRecord;

/**
 * The three real handlers (SMTP mail, Lucene index, PostgreSQL rollup) as one worker each, every
 * event slowed by {@code delay} of simulated I/O so that a test can stop a worker mid-batch.
 *
 * @param topics email, index and analytics topics, in that order
 */
record HandlerTrio(
    String bootstrap,
    String groupPrefix,
    List<String> topics,
    SchemaRegistry schemas,
    DataSource db,
    int smtpPort,
    Duration delay) {

  static final int EMAIL_THREADS = 4;
  static final int ANALYTICS_THREADS = 4;

  String group(String handler) {
    return groupPrefix + "-" + handler;
  }

  /** Starts the three workers on {@code index}; close them in any order. */
  List<Worker> start(SearchIndex index) throws Exception {
    return start(index, Map.of());
  }

  /** Starts the three workers on {@code index}, their Kafka clients given {@code kafka} too. */
  List<Worker> start(SearchIndex index, Map<String, String> kafka) throws Exception {
    List<Worker> workers = new ArrayList<>();
    workers.add(start(topics.get(0), email(), kafka));
    workers.add(start(topics.get(1), index(index), kafka));
    workers.add(start(topics.get(2), analytics(), kafka));
    return workers;
  }

  private <T> Worker start(String topic, HandlerBinding<T> binding, Map<String, String> kafka) {
    WorkerOptions options =
        WorkerOptions.defaults(bootstrap, group(binding.name()), List.of(topic))
            .withMaxInFlight(64)
            .withCommitInterval(Duration.ofMillis(100))
            .withKafkaProperties(kafka);
    return Worker.builder(options, binding).start();
  }

  private HandlerBinding<SpecificRecord> email() throws Exception {
    EmailConfig config = EmailConfig.defaults("127.0.0.1", smtpPort);
    EmailHandler handler =
        new EmailHandler(
            new EmailTemplates(config.linkBaseUrl()),
            new SmtpMailer(config),
            ProcessedEventStore.open(db, group(EmailHandler.NAME)));
    return HandlerBinding.blocking(
        EmailHandler.NAME,
        EventDeserializers.avroByEventType(schemas, EmailHandler.TYPES),
        slowed(handler),
        EMAIL_THREADS);
  }

  private HandlerBinding<DocumentChanged> index(SearchIndex index) {
    IndexHandler handler = new IndexHandler(index);
    return HandlerBinding.batching(
        IndexHandler.NAME,
        EventDeserializers.avroOfEventType(schemas, BuiltInEventTypes.DOCUMENT_CHANGED),
        events -> {
          Thread.sleep(delay.toMillis());
          handler.handleBatch(events);
        },
        BatchOptions.defaults().withThreads(1));
  }

  private HandlerBinding<dev.offload.schemas.events.PageViewed> analytics() throws Exception {
    AnalyticsHandler handler =
        new AnalyticsHandler(
            PageAnalytics.open(db),
            ProcessedEventStore.open(db, group(AnalyticsHandler.NAME)),
            Clock.systemUTC());
    return HandlerBinding.batching(
        AnalyticsHandler.NAME,
        EventDeserializers.avroOfEventType(schemas, BuiltInEventTypes.PAGE_VIEWED),
        events -> {
          Thread.sleep(delay.toMillis());
          handler.handleBatch(events);
        },
        BatchOptions.defaults().withThreads(ANALYTICS_THREADS));
  }

  private <T> BlockingEventHandler<T> slowed(BlockingEventHandler<T> handler) {
    return event -> {
      Thread.sleep(delay.toMillis());
      handler.handle(event);
    };
  }
}
