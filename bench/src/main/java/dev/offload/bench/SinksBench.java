package dev.offload.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.offload.bench.internal.DrainTimer;
import dev.offload.bench.internal.SinkBaseline;
import dev.offload.bench.internal.SinkWorkload;
import dev.offload.consumers.database.DatabasePool;
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
import dev.offload.consumers.handlers.index.SearchIndexConfig;
import dev.offload.consumers.worker.BatchOptions;
import dev.offload.consumers.worker.Event;
import dev.offload.consumers.worker.HandlerBinding;
import dev.offload.embedded.EmbeddedKafka;
import dev.offload.embedded.EmbeddedPostgres;
import dev.offload.embedded.EmbeddedSmtp;
import dev.offload.runtime.breaker.CircuitBreaker;
import dev.offload.schemas.BuiltInEventTypes;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The three handlers with their real sinks, each run as a worker on Kafka beside the handler alone
 * (no Kafka, no worker: the sink's own ceiling), in the same run, on fresh embedded servers: the
 * analytics worker into the PostgreSQL rollup, the index worker into a Lucene index on disk, the
 * email worker to the embedded SMTP server. Each worker first drains an unmeasured topic (the JIT
 * warms up), then a measured one that was filled before it started, timed from its first handled
 * record to its last. {@link WorkersBench} gives the simulated-I/O figure they stand beside.
 */
public final class SinksBench {
  /** Goal: analytics events per second. */
  public static final double GOAL_ANALYTICS = 20_000;

  /** Goal: documents indexed per second. */
  public static final double GOAL_INDEX = 5_000;

  /** Goal: mails sent per second. */
  public static final double GOAL_EMAIL = 500;

  private static final int RAW_BATCH = BatchOptions.DEFAULT_MAX_EVENTS;
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  /**
   * What one run does.
   *
   * @param views page views the analytics worker drains
   * @param documents document changes the index worker drains
   * @param mails signups the email worker drains
   * @param partitions partitions of each topic
   * @param keys distinct keys
   */
  public record Settings(int views, int documents, int mails, int partitions, int keys) {
    /** The documented run. */
    public static Settings full() {
      return new Settings(200_000, 50_000, 10_000, 12, 4_000);
    }

    /** A short run that checks everything works. */
    public static Settings quick() {
      return new Settings(4_000, 1_000, 200, 6, 500);
    }
  }

  private final Settings settings;
  private final PrintStream progress;
  private final SinkWorkload work;

  /** A benchmark of {@code settings}, printing progress to {@code progress}. */
  public SinksBench(Settings settings, PrintStream progress) {
    this.settings = settings;
    this.progress = progress;
    this.work = new SinkWorkload(settings.keys());
  }

  /** Runs the three handlers and returns the figures. */
  public BenchReport run() throws Exception {
    Path dir = Files.createTempDirectory("offload-bench-sinks-");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0, Map.of());
        EmbeddedPostgres postgres = EmbeddedPostgres.start(dir.resolve("postgres"), 0);
        EmbeddedSmtp smtp = EmbeddedSmtp.start(0)) {
      postgres.createDatabaseIfAbsent("bench");
      try (HikariDataSource db =
              DatabasePool.open(
                  postgres.jdbcUrl("bench"), EmbeddedPostgres.USER, "", 12, "bench", null);
          SearchIndex index = SearchIndex.open(SearchIndexConfig.defaults(dir.resolve("index")))) {
        String bootstrap = kafka.bootstrapServers();
        List<Figure> figures = new ArrayList<>();
        figures.add(analytics(bootstrap, db));
        figures.add(index(bootstrap, index));
        figures.add(email(bootstrap, db, smtp));
        return new BenchReport(title(figures), figures, 0, 0);
      }
    } finally {
      WorkersBench.deleteRecursively(dir);
    }
  }

  private Figure analytics(String bootstrap, HikariDataSource db) throws Exception {
    PageAnalytics rollup = PageAnalytics.open(db);
    String type = BuiltInEventTypes.PAGE_VIEWED.type();
    double rate = 0;
    for (String round : List.of("warm", "run")) {
      int count = round.equals("warm") ? Math.max(1_000, settings.views() / 5) : settings.views();
      String topic = topic(bootstrap, "analytics-" + round);
      work.produce(bootstrap, topic, "view-" + round, type, count, i -> work.view(i));
      var binding =
          AnalyticsHandler.binding(
              rollup,
              ProcessedEventStore.open(db, "bench-analytics-" + round),
              EventDeserializers.avro(work.registry(), BuiltInEventTypes.PAGE_VIEWED));
      rate =
          DrainTimer.rate(
              bootstrap,
              topic,
              binding,
              AnalyticsHandler.DEFAULT_MAX_IN_FLIGHT,
              count,
              TIMEOUT,
              progress);
    }
    AnalyticsHandler alone =
        new AnalyticsHandler(
            rollup, ProcessedEventStore.open(db, "bench-analytics-raw"), Clock.systemUTC());
    var events = work.events("view-raw", settings.views(), i -> work.view(i));
    double raw = batchesAlone(events, BatchOptions.DEFAULT_THREADS, alone::handleBatch);
    progress.printf("analytics: worker %,.0f/s, handler alone %,.0f/s%n", rate, raw);
    return new Figure(
        "analytics worker -> PostgreSQL", "events/s", rate, "handler alone, batches of 500", raw);
  }

  private Figure index(String bootstrap, SearchIndex index) throws Exception {
    String type = BuiltInEventTypes.DOCUMENT_CHANGED.type();
    double rate = 0;
    for (String round : List.of("warm", "run")) {
      int count =
          round.equals("warm") ? Math.max(500, settings.documents() / 5) : settings.documents();
      String topic = topic(bootstrap, "index-" + round);
      work.produce(bootstrap, topic, "doc-" + round, type, count, i -> work.document(round, i));
      var binding =
          IndexHandler.binding(
              index, EventDeserializers.avro(work.registry(), BuiltInEventTypes.DOCUMENT_CHANGED));
      rate =
          DrainTimer.rate(
              bootstrap,
              topic,
              binding,
              IndexHandler.DEFAULT_MAX_IN_FLIGHT,
              count,
              TIMEOUT,
              progress);
    }
    IndexHandler alone = new IndexHandler(index);
    var events = work.events("doc-raw", settings.documents(), i -> work.document("raw", i));
    double raw = batchesAlone(events, 1, alone::handleBatch);
    progress.printf("index: worker %,.0f/s, handler alone %,.0f/s%n", rate, raw);
    return new Figure(
        "index worker -> Lucene", "docs/s", rate, "handler alone, batches of 500", raw);
  }

  private Figure email(String bootstrap, HikariDataSource db, EmbeddedSmtp smtp) throws Exception {
    EmailConfig config = EmailConfig.defaults(smtp.host(), smtp.port());
    String type = BuiltInEventTypes.USER_SIGNED_UP.type();
    double rate = 0;
    for (String round : List.of("warm", "run")) {
      int count = round.equals("warm") ? Math.max(100, settings.mails() / 5) : settings.mails();
      String topic = topic(bootstrap, "email-" + round);
      work.produce(bootstrap, topic, "mail-" + round, type, count, i -> work.signup(round, i));
      HandlerBinding<?> binding =
          EmailHandler.binding(
              config,
              ProcessedEventStore.open(db, "bench-email-" + round),
              EventDeserializers.avroByEventType(work.registry(), EmailHandler.TYPES),
              EmailHandler.DEFAULT_THREADS,
              CircuitBreaker.withDefaults("bench-smtp"));
      rate =
          DrainTimer.rate(
              bootstrap,
              topic,
              binding,
              EmailHandler.DEFAULT_MAX_IN_FLIGHT,
              count,
              TIMEOUT,
              progress);
    }
    EmailHandler alone =
        new EmailHandler(
            new EmailTemplates(config.linkBaseUrl()),
            new SmtpMailer(config),
            ProcessedEventStore.open(db, "bench-email-raw"));
    List<Event<SpecificRecord>> events =
        work.events("mail-raw", settings.mails(), i -> work.signup("raw", i));
    double raw = SinkBaseline.eachAlone(events, EmailHandler.DEFAULT_THREADS, alone::handle);
    progress.printf("email: worker %,.0f/s, handler alone %,.0f/s%n", rate, raw);
    return new Figure("email worker -> SMTP", "mails/s", rate, "handler alone, 8 threads", raw);
  }

  private static <T> double batchesAlone(
      List<Event<T>> events, int threads, SinkBaseline.BatchCall<T> call) throws Exception {
    return SinkBaseline.batchesAlone(events, RAW_BATCH, threads, call);
  }

  private String topic(String bootstrap, String name) throws Exception {
    String topic = "bench.sinks." + name;
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(
              List.of(new NewTopic(topic, Optional.of(settings.partitions()), Optional.empty())))
          .all()
          .get();
    }
    return topic;
  }

  private String title(List<Figure> figures) {
    return String.format(
        "offload bench workers (real sinks): %,d page views, %,d documents, %,d mails, %d"
            + " partitions, %,d keys; workers with their defaults, timed from the first handled"
            + " record to the last after a warm-up topic%n"
            + "goals: analytics >= %,.0f/s %s, index >= %,.0f/s %s, email >= %,.0f/s %s",
        settings.views(),
        settings.documents(),
        settings.mails(),
        settings.partitions(),
        settings.keys(),
        GOAL_ANALYTICS,
        figures.get(0).offload() >= GOAL_ANALYTICS ? "met" : "NOT met",
        GOAL_INDEX,
        figures.get(1).offload() >= GOAL_INDEX ? "met" : "NOT met",
        GOAL_EMAIL,
        figures.get(2).offload() >= GOAL_EMAIL ? "met" : "NOT met");
  }
}
