package dev.offload.consumers;

import dev.offload.consumers.dedup.DedupRetention;
import dev.offload.consumers.dedup.ProcessedEventStore;
import dev.offload.consumers.handlers.analytics.PageAnalytics;
import dev.offload.consumers.handlers.email.EmailConfig;
import dev.offload.consumers.handlers.index.SearchIndex;
import dev.offload.consumers.handlers.index.SearchIndexConfig;
import dev.offload.schemas.registry.SchemaRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import javax.sql.DataSource;

/**
 * What a {@link HandlerDefinition} binds to: its consumer group, the schema registry, the meters,
 * and the sinks its role was given (SMTP, the search index's directory, the database). The sinks it
 * opens here (the search index, the page-view rollup, the processed-event marks and their purge)
 * are opened once, kept for the role's other parts (the dev stack's endpoints) and closed with the
 * context, in reverse order; the database itself belongs to the caller.
 */
public final class HandlerContext implements AutoCloseable {
  private final String group;
  private final SchemaRegistry registry;
  private final MeterRegistry meters;
  private final EmailConfig smtp;
  private final Path indexDir;
  private final DataSource database;
  private final Integer threads;
  private final Duration dedupRetention;
  private final Duration dedupPurgeInterval;
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();
  private SearchIndex searchIndex;
  private PageAnalytics pageAnalytics;
  private ProcessedEventStore marks;

  private HandlerContext(Builder b) {
    this.group = b.group;
    this.registry = b.registry;
    this.meters = b.meters;
    this.smtp = b.smtp;
    this.indexDir = b.indexDir;
    this.database = b.database;
    this.threads = b.threads;
    this.dedupRetention = b.dedupRetention;
    this.dedupPurgeInterval = b.dedupPurgeInterval;
  }

  /** A context for consumer group {@code group}. */
  public static Builder builder(String group, SchemaRegistry registry, MeterRegistry meters) {
    return new Builder(group, registry, meters);
  }

  /** The consumer group the handler runs in. */
  public String group() {
    return group;
  }

  /** The schema registry its events' values are read with. */
  public SchemaRegistry registry() {
    return registry;
  }

  /** Where its meters go. */
  public MeterRegistry meters() {
    return meters;
  }

  /** The SMTP server mails go to. */
  public EmailConfig smtp() {
    return require(smtp, "smtp");
  }

  /** The database (marks, rollups), pooled by the caller. */
  public DataSource database() {
    return require(database, "database");
  }

  /** Threads of its blocking work, when the role sets them. */
  public OptionalInt threads() {
    return threads == null ? OptionalInt.empty() : OptionalInt.of(threads);
  }

  /** The search index in the configured directory, opened on first use. */
  public synchronized SearchIndex searchIndex() throws IOException {
    if (searchIndex == null) {
      searchIndex = SearchIndex.open(SearchIndexConfig.defaults(require(indexDir, "indexDir")));
      opened.push(searchIndex);
    }
    return searchIndex;
  }

  /** The page-view rollup in the database, opened on first use. */
  public synchronized PageAnalytics pageAnalytics() throws SQLException {
    if (pageAnalytics == null) {
      pageAnalytics = PageAnalytics.open(database());
    }
    return pageAnalytics;
  }

  /**
   * The group's processed-event marks in the database, opened on first use, purged of those older
   * than the dedup retention every purge interval.
   */
  public synchronized ProcessedEventStore marks() throws SQLException {
    if (marks == null) {
      marks = ProcessedEventStore.open(database(), group);
      opened.push(DedupRetention.start(List.of(marks), dedupRetention, dedupPurgeInterval, meters));
    }
    return marks;
  }

  /** Closes what was opened here, the last opened first. */
  @Override
  public synchronized void close() {
    RuntimeException failure = null;
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing a sink of " + group + " failed: " + e, e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private <V> V require(V value, String name) {
    if (value == null) {
      throw new IllegalStateException("no " + name + " is configured for " + group);
    }
    return value;
  }

  /**
   * Builds a {@link HandlerContext}; every sink is optional, needed only by the handlers using it.
   */
  public static final class Builder {
    private final String group;
    private final SchemaRegistry registry;
    private final MeterRegistry meters;
    private EmailConfig smtp;
    private Path indexDir;
    private DataSource database;
    private Integer threads;
    private Duration dedupRetention = DedupRetention.DEFAULT_RETENTION;
    private Duration dedupPurgeInterval = DedupRetention.DEFAULT_INTERVAL;

    private Builder(String group, SchemaRegistry registry, MeterRegistry meters) {
      this.group = Objects.requireNonNull(group, "group");
      this.registry = Objects.requireNonNull(registry, "registry");
      this.meters = Objects.requireNonNull(meters, "meters");
    }

    /** The SMTP server of the email handler. */
    public Builder smtp(EmailConfig value) {
      this.smtp = value;
      return this;
    }

    /** The directory of the index handler's search index. */
    public Builder indexDir(Path value) {
      this.indexDir = value;
      return this;
    }

    /** The database of marks and rollups, pooled with the handler's {@code connections}. */
    public Builder database(DataSource value) {
      this.database = value;
      return this;
    }

    /** Threads of the handler's blocking work; default the handler's own. */
    public Builder threads(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("threads must be at least 1, was " + value);
      }
      this.threads = value;
      return this;
    }

    /**
     * How long processed-event marks are kept, and how often older ones are purged; default {@link
     * DedupRetention#DEFAULT_RETENTION} and {@link DedupRetention#DEFAULT_INTERVAL}.
     */
    public Builder dedup(Duration retention, Duration purgeInterval) {
      this.dedupRetention = Objects.requireNonNull(retention, "retention");
      this.dedupPurgeInterval = Objects.requireNonNull(purgeInterval, "purgeInterval");
      return this;
    }

    /** The context. */
    public HandlerContext build() {
      return new HandlerContext(this);
    }
  }
}
