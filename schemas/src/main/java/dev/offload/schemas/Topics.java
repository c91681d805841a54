package dev.offload.schemas;

import java.time.Duration;
import java.util.regex.Pattern;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Topic naming, as fixed by the design: one place that knows how Offload names its topics ({@code
 * offload.events.<event-type>}, {@code offload.changes.<schema>.<table>}, {@code
 * offload.work.<handler>}, {@code offload.retry.<group>.<delay>}, {@code offload.dlq.<group>},
 * {@code offload.analytics.<view>}).
 *
 * <p>Each kind of topic is also a {@link TopicDescriptor}, name and serdes together ({@link
 * #eventsTopic}, {@link #changesTopic}, {@link #workTopic}, {@link #retryTopic}, {@link
 * #deadLetterTopic}, {@link #analyticsTopic}). Events, changes, work, retry and dead-letter records
 * are carried as the bytes the producer wrote (Confluent-framed Avro values), so their descriptors
 * are byte arrays; {@link EventTopics} gives the typed descriptors of events topics.
 */
public final class Topics {
  /** Prefix of the topics that carry captured events: {@code offload.events.<event-type>}. */
  public static final String EVENTS_PREFIX = "offload.events.";

  /** Matches every captured-event topic. */
  public static final Pattern ALL_EVENTS = Pattern.compile(Pattern.quote(EVENTS_PREFIX) + ".+");

  /**
   * Prefix of the topics that carry change events of captured tables: {@code
   * offload.changes.<schema>.<table>}.
   */
  public static final String CHANGES_PREFIX = "offload.changes.";

  /**
   * Prefix of the work topics the router fills, one per handler: {@code offload.work.<handler>}.
   */
  public static final String WORK_PREFIX = "offload.work.";

  /**
   * Prefix of the delay topics where workers park retries: {@code offload.retry.<group>.<delay>}.
   */
  public static final String RETRY_PREFIX = "offload.retry.";

  /** Prefix of the dead-letter topics: {@code offload.dlq.<group>}. */
  public static final String DEAD_LETTER_PREFIX = "offload.dlq.";

  /**
   * Suffix of a dead-letter topic's audit topic of redrives: {@code offload.dlq.<group>.redriven}.
   */
  public static final String REDRIVEN_SUFFIX = ".redriven";

  /**
   * Prefix of the replay lanes that {@code offload replay --into} fills and a worker reads beside
   * its live topics: {@code offload.replay.<group>}.
   */
  public static final String REPLAY_PREFIX = "offload.replay.";

  /** Prefix of the stream-processor output topics: {@code offload.analytics.<view>}. */
  public static final String ANALYTICS_PREFIX = "offload.analytics.";

  /** A PostgreSQL schema or table name that may appear in a topic name. */
  private static final Pattern TABLE_PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

  /** A handler, group, application id or view name that may appear in a topic name. */
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

  private Topics() {}

  /**
   * The work topic of {@code handler}, for example {@code offload.work.email}.
   *
   * @throws IllegalArgumentException when the handler name may not appear in a topic name
   */
  public static String work(String handler) {
    return WORK_PREFIX + requireLegal("handler", handler);
  }

  /**
   * The output topic of an analytics {@code view}, for example {@code offload.analytics.counts}.
   *
   * @throws IllegalArgumentException when the view name may not appear in a topic name
   */
  public static String analytics(String view) {
    return ANALYTICS_PREFIX + requireLegal("view", view);
  }

  /**
   * The dead-letter topic of a worker's consumer group or a topology's {@code application.id}:
   * {@code offload.dlq.<group>}.
   */
  public static String deadLetters(String group) {
    return DEAD_LETTER_PREFIX + group;
  }

  /** The audit topic of the redrives of {@code group}: {@code offload.dlq.<group>.redriven}. */
  public static String redriven(String group) {
    return deadLetters(group) + REDRIVEN_SUFFIX;
  }

  /** The replay lane of consumer group {@code group}: {@code offload.replay.<group>}. */
  public static String replay(String group) {
    return REPLAY_PREFIX + group;
  }

  /** Whether {@code topic} is a dead-letter topic (and not an audit topic of redrives). */
  public static boolean isDeadLetters(String topic) {
    return topic.startsWith(DEAD_LETTER_PREFIX) && !topic.endsWith(REDRIVEN_SUFFIX);
  }

  /** The delay topic of {@code group} for retries due after {@code delay}. */
  public static String retry(String group, Duration delay) {
    return retryPrefix(group) + delayLabel(delay);
  }

  /** Whether {@code topic} is one of {@code group}'s delay topics. */
  public static boolean isRetry(String group, String topic) {
    return topic.startsWith(retryPrefix(group));
  }

  /** The compact label of a delay in a topic name: {@code 10s}, {@code 1m}, {@code 1h} or ms. */
  public static String delayLabel(Duration delay) {
    long ms = delay.toMillis();
    if (ms > 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms > 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms > 0 && ms % 1_000 == 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }

  private static String retryPrefix(String group) {
    return RETRY_PREFIX + group + ".";
  }

  /**
   * Returns {@code part} when it may appear in a topic name: 1-200 letters, digits, {@code .},
   * {@code _} or {@code -}.
   *
   * @throws IllegalArgumentException naming {@code field} otherwise
   */
  public static String requireLegal(String field, String part) {
    if (part == null || !LEGAL.matcher(part).matches() || part.length() > 200) {
      throw new IllegalArgumentException(
          field
              + ": must be 1-200 characters of letters, digits, '.', '_' or '-', got '"
              + part
              + "'");
    }
    return part;
  }

  /**
   * The topic that carries the change events of table {@code schema.table}.
   *
   * @throws IllegalArgumentException when either name is not a plain PostgreSQL identifier
   */
  public static String changes(String schema, String table) {
    return CHANGES_PREFIX
        + requireTablePart("schema", schema)
        + "."
        + requireTablePart("table", table);
  }

  private static String requireTablePart(String what, String name) {
    if (name == null || !TABLE_PART.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what
              + " name must be a plain identifier (letters, digits, underscores; at most 63) to"
              + " name a topic: '"
              + name
              + "'");
    }
    return name;
  }

  /** The topic that carries events of {@code eventType}. */
  public static String events(String eventType) {
    return EVENTS_PREFIX + EventTypes.requireValid(eventType);
  }

  /** The event type carried by an events topic, or {@code null} when the topic is not one. */
  public static String eventTypeOf(String topic) {
    if (topic == null || !topic.startsWith(EVENTS_PREFIX)) {
      return null;
    }
    String type = topic.substring(EVENTS_PREFIX.length());
    return EventTypes.isValid(type) ? type : null;
  }

  /** The events topic of {@code eventType} as bytes: key the aggregate id, value framed Avro. */
  public static TopicDescriptor<byte[], byte[]> eventsTopic(String eventType) {
    return bytes(events(eventType));
  }

  /** The changes topic of table {@code schema.table} as bytes. */
  public static TopicDescriptor<byte[], byte[]> changesTopic(String schema, String table) {
    return bytes(changes(schema, table));
  }

  /** The work topic of {@code handler}: the routed events, bytes unchanged. */
  public static TopicDescriptor<byte[], byte[]> workTopic(String handler) {
    return bytes(work(handler));
  }

  /** The delay topic of {@code group} for {@code delay}: parked records, bytes unchanged. */
  public static TopicDescriptor<byte[], byte[]> retryTopic(String group, Duration delay) {
    return bytes(retry(group, delay));
  }

  /** The dead-letter topic of {@code group}: the original key and value bytes. */
  public static TopicDescriptor<byte[], byte[]> deadLetterTopic(String group) {
    return bytes(deadLetters(group));
  }

  /** The output topic of analytics {@code view}: text keys, JSON text values. */
  public static TopicDescriptor<String, String> analyticsTopic(String view) {
    return new TopicDescriptor<>(analytics(view), Serdes.String(), Serdes.String());
  }

  private static TopicDescriptor<byte[], byte[]> bytes(String name) {
    return new TopicDescriptor<>(name, Serdes.ByteArray(), Serdes.ByteArray());
  }
}
