package dev.offload.connectors;

import dev.offload.connectors.internal.AtomicFileOffsetStore;
import dev.offload.connectors.internal.OutboxMessageRouter;
import dev.offload.connectors.internal.SlotGuardedPostgresConnector;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Topics;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import dev.offload.schemas.outbox.OutboxTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Configuration of the connector role: where the outbox lives, where its events go, and how often
 * the connector records its progress.
 *
 * <p>The Debezium and Kafka producer properties are built only here ({@link #debeziumProperties()},
 * {@link #producerProperties()}).
 *
 * <p><b>Delivery after a crash.</b> Every event is produced to Kafka and acknowledged before its
 * position is recorded, and positions are written to {@link #offsetFile} (and confirmed to the
 * replication slot) at most every {@link #offsetFlushInterval}. A connector that dies hard loses
 * none of the committed events; after a restart it re-delivers those it had sent since the last
 * flush: at most the events captured during one {@code offsetFlushInterval} plus the batch in
 * flight (a batch holds at most 2,048 records), so about {@code throughput × offsetFlushInterval}.
 * Handlers are idempotent on {@code offload-event-id}, so duplicates have no effect. A graceful
 * {@link OutboxConnector#close()} flushes the positions and re-delivers nothing — while the
 * database answers: closed while PostgreSQL is down, the position cannot reach the slot, and the
 * next connector re-delivers the events sent since the last flush (seen: 2–7 events after an
 * outage).
 *
 * @param bootstrapServers the Kafka {@code bootstrap.servers} the events are produced to
 * @param databaseHost PostgreSQL host of the database holding {@code offload_outbox}
 * @param databasePort PostgreSQL port
 * @param databaseName the database holding {@code public.offload_outbox}
 * @param databaseUser a user allowed to replicate and to create the publication
 * @param databasePassword that user's password, may be empty; never logged nor shown by {@link
 *     #toString()}
 * @param slotName the logical replication slot; default {@value #DEFAULT_SLOT_NAME}. It must
 *     survive restarts (it is never dropped on stop): a new slot would skip the events written
 *     while no connector ran
 * @param publicationName the publication the connector creates for the outbox table only; default
 *     {@value #DEFAULT_PUBLICATION_NAME}
 * @param offsetFile where the connector's WAL position is stored, under the data directory, so a
 *     restart resumes where it stopped; no default
 * @param pollInterval how long the connector waits for new changes before looking again; default 10
 *     ms (Debezium's 500 ms default adds half a second to every event)
 * @param offsetFlushInterval how often the position is written and confirmed to the slot; the bound
 *     on re-delivery after a crash (see above); default 1 s
 * @param heartbeatInterval how often the connector records its position even when the outbox is
 *     quiet, so the slot advances and PostgreSQL can recycle WAL; default 10 s
 * @param name the engine name and Debezium {@code topic.prefix} (names the offsets and the
 *     heartbeat topic, never the event topics); default {@value #DEFAULT_NAME}
 * @param security how the Kafka producer authenticates and encrypts (the {@code
 *     OFFLOAD_KAFKA_SECURITY_…} variables or the {@code kafka.security} section of {@link
 *     KafkaClientSecurity}); default {@link KafkaClientSecurity#none()}. The engine itself has no
 *     Kafka client: its offsets are a file and PostgreSQL needs no schema history
 */
public record ConnectorConfig(
    String bootstrapServers,
    String databaseHost,
    int databasePort,
    String databaseName,
    String databaseUser,
    String databasePassword,
    String slotName,
    String publicationName,
    Path offsetFile,
    Duration pollInterval,
    Duration offsetFlushInterval,
    Duration heartbeatInterval,
    String name,
    KafkaClientSecurity security) {

  /** Default replication slot name. */
  public static final String DEFAULT_SLOT_NAME = "offload_outbox";

  /** Default publication name. */
  public static final String DEFAULT_PUBLICATION_NAME = "offload_outbox_pub";

  /** Default engine name and topic prefix. */
  public static final String DEFAULT_NAME = "offload-connector";

  /** Default {@link #pollInterval}. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(10);

  /** Default {@link #offsetFlushInterval}. */
  public static final Duration DEFAULT_OFFSET_FLUSH_INTERVAL = Duration.ofSeconds(1);

  /** Default {@link #heartbeatInterval}. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);

  /** PostgreSQL identifiers for slots and publications: lower case, digits, underscores. */
  private static final Pattern PG_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private static final Pattern ENGINE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  /** Validates every field and names the offending one. */
  public ConnectorConfig {
    requireText(bootstrapServers, "bootstrapServers");
    requireText(databaseHost, "databaseHost");
    if (databasePort < 1 || databasePort > 65_535) {
      throw new IllegalArgumentException(
          "databasePort must be between 1 and 65535: " + databasePort);
    }
    requireText(databaseName, "databaseName");
    requireText(databaseUser, "databaseUser");
    Objects.requireNonNull(databasePassword, "databasePassword must not be null (may be empty)");
    requirePgName(slotName, "slotName");
    requirePgName(publicationName, "publicationName");
    Objects.requireNonNull(offsetFile, "offsetFile must not be null");
    requirePositive(pollInterval, "pollInterval");
    requirePositive(offsetFlushInterval, "offsetFlushInterval");
    requirePositive(heartbeatInterval, "heartbeatInterval");
    requireText(name, "name");
    if (!ENGINE_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be 1-100 letters, digits, '.', '_' or '-': '" + name + "'");
    }
    security = Objects.requireNonNullElse(security, KafkaClientSecurity.none());
  }

  /** A configuration whose producer uses no client security ({@code PLAINTEXT}). */
  public ConnectorConfig(
      String bootstrapServers,
      String databaseHost,
      int databasePort,
      String databaseName,
      String databaseUser,
      String databasePassword,
      String slotName,
      String publicationName,
      Path offsetFile,
      Duration pollInterval,
      Duration offsetFlushInterval,
      Duration heartbeatInterval,
      String name) {
    this(
        bootstrapServers,
        databaseHost,
        databasePort,
        databaseName,
        databaseUser,
        databasePassword,
        slotName,
        publicationName,
        offsetFile,
        pollInterval,
        offsetFlushInterval,
        heartbeatInterval,
        name,
        KafkaClientSecurity.none());
  }

  /**
   * A configuration with every default: slot {@value #DEFAULT_SLOT_NAME}, publication {@value
   * #DEFAULT_PUBLICATION_NAME}, poll 10 ms, flush 1 s, heartbeat 10 s, name {@value #DEFAULT_NAME}.
   */
  public static ConnectorConfig of(
      String bootstrapServers,
      String databaseHost,
      int databasePort,
      String databaseName,
      String databaseUser,
      String databasePassword,
      Path offsetFile) {
    return new ConnectorConfig(
        bootstrapServers,
        databaseHost,
        databasePort,
        databaseName,
        databaseUser,
        databasePassword,
        DEFAULT_SLOT_NAME,
        DEFAULT_PUBLICATION_NAME,
        offsetFile,
        DEFAULT_POLL_INTERVAL,
        DEFAULT_OFFSET_FLUSH_INTERVAL,
        DEFAULT_HEARTBEAT_INTERVAL,
        DEFAULT_NAME);
  }

  /** This configuration with another replication slot. */
  public ConnectorConfig withSlotName(String slot) {
    return new ConnectorConfig(
        bootstrapServers,
        databaseHost,
        databasePort,
        databaseName,
        databaseUser,
        databasePassword,
        slot,
        publicationName,
        offsetFile,
        pollInterval,
        offsetFlushInterval,
        heartbeatInterval,
        name,
        security);
  }

  /** This configuration with another publication. */
  public ConnectorConfig withPublicationName(String publication) {
    return new ConnectorConfig(
        bootstrapServers,
        databaseHost,
        databasePort,
        databaseName,
        databaseUser,
        databasePassword,
        slotName,
        publication,
        offsetFile,
        pollInterval,
        offsetFlushInterval,
        heartbeatInterval,
        name,
        security);
  }

  /** This configuration with other poll, offset flush and heartbeat intervals. */
  public ConnectorConfig withIntervals(Duration poll, Duration offsetFlush, Duration heartbeat) {
    return new ConnectorConfig(
        bootstrapServers,
        databaseHost,
        databasePort,
        databaseName,
        databaseUser,
        databasePassword,
        slotName,
        publicationName,
        offsetFile,
        poll,
        offsetFlush,
        heartbeat,
        name,
        security);
  }

  /** This configuration with another engine name and topic prefix. */
  public ConnectorConfig withName(String engineName) {
    return new ConnectorConfig(
        bootstrapServers,
        databaseHost,
        databasePort,
        databaseName,
        databaseUser,
        databasePassword,
        slotName,
        publicationName,
        offsetFile,
        pollInterval,
        offsetFlushInterval,
        heartbeatInterval,
        engineName,
        security);
  }

  /**
   * This configuration with a producer that authenticates and encrypts as {@code settings} says.
   */
  public ConnectorConfig withSecurity(KafkaClientSecurity settings) {
    return new ConnectorConfig(
        bootstrapServers,
        databaseHost,
        databasePort,
        databaseName,
        databaseUser,
        databasePassword,
        slotName,
        publicationName,
        offsetFile,
        pollInterval,
        offsetFlushInterval,
        heartbeatInterval,
        name,
        settings);
  }

  /** The Debezium embedded engine properties: PostgreSQL capture of the outbox, routed by type. */
  public Properties debeziumProperties() {
    return debeziumProperties(TableCapture.none());
  }

  /**
   * The Debezium embedded engine properties for the outbox plus the tables of {@code capture}, in
   * one engine and one replication slot; the outbox router applies to the outbox table only.
   */
  public Properties debeziumProperties(TableCapture capture) {
    Properties p = outboxProperties();
    capture.applyTo(p);
    return p;
  }

  private Properties outboxProperties() {
    Properties p = new Properties();
    p.setProperty("name", name);
    p.setProperty("connector.class", SlotGuardedPostgresConnector.class.getName());
    p.setProperty("topic.prefix", name);
    // Progress: a file under the data directory, replaced atomically so a crash mid-write
    // cannot leave a torn file (Kafka's FileOffsetBackingStore truncates and rewrites in place).
    p.setProperty("offset.storage", AtomicFileOffsetStore.class.getName());
    p.setProperty("offset.storage.file.filename", offsetFile.toAbsolutePath().toString());
    p.setProperty("offset.flush.interval.ms", Long.toString(offsetFlushInterval.toMillis()));

    p.setProperty("database.hostname", databaseHost);
    p.setProperty("database.port", Integer.toString(databasePort));
    p.setProperty("database.dbname", databaseName);
    p.setProperty("database.user", databaseUser);
    p.setProperty("database.password", databasePassword);

    p.setProperty("plugin.name", "pgoutput");
    p.setProperty("slot.name", slotName);
    p.setProperty("slot.drop.on.stop", "false");
    p.setProperty("publication.name", publicationName);
    p.setProperty("publication.autocreate.mode", "filtered");
    p.setProperty("table.include.list", OutboxTable.QUALIFIED_NAME);
    // The outbox stays empty (rows are deleted in the inserting transaction): there is nothing
    // to snapshot, events arrive only through the WAL.
    p.setProperty("snapshot.mode", "no_data");
    p.setProperty("tombstones.on.delete", "false");
    // The bytea payload arrives as a ByteBuffer and goes to Kafka as is (not base64 or hex text).
    p.setProperty("binary.handling.mode", "bytes");
    p.setProperty("poll.interval.ms", Long.toString(pollInterval.toMillis()));
    p.setProperty("heartbeat.interval.ms", Long.toString(heartbeatInterval.toMillis()));

    outboxRouter(p);
    // The table-less outbox: logical decoding messages become the same records as outbox rows.
    OutboxMessageRouter.addTo(p);
    return p;
  }

  /** The outbox EventRouter: one topic per event type, key = aggregate id, value = payload. */
  private void outboxRouter(Properties p) {
    String t = "transforms.outbox.";
    p.setProperty("transforms", "outbox");
    p.setProperty(t + "type", "io.debezium.transforms.outbox.EventRouter");
    // Only records of the outbox table are events; captured tables and heartbeats pass untouched.
    p.setProperty(t + "predicate", "outboxTable");
    p.setProperty("predicates", "outboxTable");
    p.setProperty(
        "predicates.outboxTable.type",
        "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
    p.setProperty(
        "predicates.outboxTable.pattern", Pattern.quote(name + "." + OutboxTable.QUALIFIED_NAME));
    p.setProperty(t + "table.field.event.id", OutboxTable.ID);
    p.setProperty(t + "table.field.event.key", OutboxTable.AGGREGATE_ID);
    p.setProperty(t + "table.field.event.payload", OutboxTable.PAYLOAD);
    p.setProperty(t + "route.by.field", OutboxTable.TYPE);
    p.setProperty(t + "route.topic.replacement", Topics.EVENTS_PREFIX + "${routedByValue}");
    // The router also adds a header named "id"; only the Offload names below reach Kafka.
    p.setProperty(
        t + "table.fields.additional.placement",
        String.join(
            ",",
            OutboxTable.ID + ":header:" + OffloadHeaders.EVENT_ID,
            OutboxTable.TYPE + ":header:" + OffloadHeaders.EVENT_TYPE,
            OutboxTable.OCCURRED_AT + ":header:" + OffloadHeaders.OCCURRED_AT,
            OutboxTable.PRODUCER + ":header:" + OffloadHeaders.PRODUCER,
            OutboxTable.TRACEPARENT + ":header:" + OffloadHeaders.TRACEPARENT));
    // An empty payload is an error upstream, never a request to delete the key.
    p.setProperty(t + "route.tombstone.on.empty.payload", "false");
  }

  /** The JDBC URL of the captured database. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + databaseHost + ":" + databasePort + "/" + databaseName;
  }

  /**
   * The Kafka producer properties: acknowledged by all in-sync replicas, idempotent; keys and
   * values are bytes (outbox keys as UTF-8 text, change keys as Avro).
   */
  public Map<String, Object> producerProperties() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, name);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    // SASL and TLS settings; the secrets are read from their files now, as hidden passwords.
    p.putAll(security.clientProperties());
    return Map.copyOf(p);
  }

  /** Every field but the password; the security settings name their files, never a secret. */
  @Override
  public String toString() {
    return String.format(
        "ConnectorConfig[bootstrapServers=%s, database=%s@%s:%d/%s, databasePassword=****,"
            + " slotName=%s, publicationName=%s, offsetFile=%s, pollInterval=%s,"
            + " offsetFlushInterval=%s, heartbeatInterval=%s, name=%s, security=%s]",
        bootstrapServers,
        databaseUser,
        databaseHost,
        databasePort,
        databaseName,
        slotName,
        publicationName,
        offsetFile,
        pollInterval,
        offsetFlushInterval,
        heartbeatInterval,
        name,
        security);
  }

  private static void requireText(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
  }

  private static void requirePgName(String value, String field) {
    if (value == null || !PG_NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field
              + " must be a PostgreSQL name (lower-case letters, digits and underscores, at most"
              + " 63, not starting with a digit): '"
              + value
              + "'");
    }
  }

  private static void requirePositive(Duration value, String field) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(field + " must be a positive duration: " + value);
    }
  }
}
