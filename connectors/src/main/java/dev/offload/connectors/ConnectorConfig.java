package dev.offload.connectors;

import dev.offload.connectors.internal.AtomicFileOffsetStore;
import dev.offload.connectors.internal.OutboxMessageRouter;
import dev.offload.connectors.internal.SlotGuardedPostgresConnector;
import dev.offload.runtime.config.ConfigLoader;
import dev.offload.runtime.config.Secret;
import dev.offload.schemas.OffloadHeaders;
import dev.offload.schemas.Redacted;
import dev.offload.schemas.Topics;
import dev.offload.schemas.config.ConfigChecks.Port;
import dev.offload.schemas.config.ConfigChecks.Positive;
import dev.offload.schemas.config.ConfigChecks.Text;
import dev.offload.schemas.kafka.KafkaClientSecurity;
import dev.offload.schemas.kafka.KafkaConfig;
import dev.offload.schemas.outbox.OutboxTable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The connector role's configuration, bound from its YAML file: where the outbox and the captured
 * tables live, where their events go, the schema registry, and the HTTP port for health and
 * metrics. Every key is optional; unknown keys are refused. Environment variables override the
 * file, one per key, named by {@link ConfigLoader}'s rule: {@code OFFLOAD_} and the key's dotted
 * path upper-cased ({@code OFFLOAD_KAFKA_BOOTSTRAP_SERVERS}, {@code OFFLOAD_DATABASE_HOST}, {@code
 * _PORT}, {@code _NAME}, {@code _USER}, {@code OFFLOAD_REGISTRY_URL}, {@code
 * OFFLOAD_CONNECTOR_NAME}, {@code OFFLOAD_CONNECTOR_SLOT}, {@code OFFLOAD_CONNECTOR_OFFSET_FILE},
 * {@code OFFLOAD_CAPTURE_TABLES} (comma-separated), {@code OFFLOAD_CAPTURE_SNAPSHOT}, {@code
 * OFFLOAD_HTTP_PORT}, …). The password comes from {@code OFFLOAD_DATABASE_PASSWORD} or the file
 * {@code password-file} (or {@code OFFLOAD_DATABASE_PASSWORD_FILE}) names, never from the file
 * itself. {@code OFFLOAD_CONNECTOR_HTTP_PORT} still works for one release, with a warning. The
 * {@code OFFLOAD_KAFKA_SECURITY_PROTOCOL}, {@code OFFLOAD_KAFKA_SASL_…} and {@code
 * OFFLOAD_KAFKA_SSL_…} variables of {@link KafkaClientSecurity} override {@code kafka.security}.
 *
 * <pre>{@code
 * kafka:
 *   bootstrap-servers: 127.0.0.1:9092
 *   properties: {linger.ms: 5}              # producer properties, over the connector's own
 *   security:                               # see KafkaClientSecurity; default PLAINTEXT
 *     protocol: SASL_SSL
 *     sasl-mechanism: SCRAM-SHA-512
 *     sasl-jaas-config-file: /run/secrets/kafka-jaas.conf
 *     ssl-truststore-location: /run/secrets/kafka-truststore.p12
 *     ssl-truststore-password-file: /run/secrets/kafka-truststore.password
 * database: {host: 127.0.0.1, port: 5432, name: offload, user: postgres, password-file: /run/pw}
 * registry:
 *   url: http://127.0.0.1:8081
 * connector:
 *   name: offload-connector                 # engine name, Debezium topic.prefix
 *   slot: offload_outbox
 *   publication: offload_outbox_pub
 *   offset-file: offload-data/connector/offsets.dat
 *   poll-interval: 10ms
 *   offset-flush-interval: 1s
 *   heartbeat-interval: 10s
 * capture:
 *   tables: [public.orders]                 # -> offload.changes.public.orders
 *   snapshot: initial                       # never | always | when-needed
 *   signal-table: public.offload_signal
 *   full-before-image: true
 * http: {host: 127.0.0.1, port: 8086}       # /health/ready, /metrics; port -1: none
 * }</pre>
 *
 * <p>The Debezium and Kafka producer properties are built only here ({@link #debeziumProperties()},
 * {@link #producerProperties()}).
 *
 * <p><b>Delivery after a crash.</b> Every event is produced to Kafka and acknowledged before its
 * position is recorded, and positions are written to {@code connector.offset-file} (and confirmed
 * to the replication slot) at most every {@code connector.offset-flush-interval}. A connector that
 * dies hard loses none of the committed events; after a restart it re-delivers those it had sent
 * since the last flush: at most the events captured during one flush interval plus the batch in
 * flight (a batch holds at most 2,048 records), so about {@code throughput × interval}. Handlers
 * are idempotent on {@code offload-event-id}, so duplicates have no effect. A graceful {@link
 * OutboxConnector#close()} flushes the positions and re-delivers nothing — while the database
 * answers: closed while PostgreSQL is down, the position cannot reach the slot, and the next
 * connector re-delivers the events sent since the last flush (seen: 2–7 events after an outage).
 *
 * @param kafka where the events are produced ({@link KafkaConfig}: bootstrap servers, producer
 *     properties over the connector's own, security). The engine itself has no Kafka client: its
 *     offsets are a file and PostgreSQL needs no schema history
 * @param database the database holding {@code public.offload_outbox}
 * @param registry the schema registry change-event schemas are registered in
 * @param connector the engine's names, position file and intervals
 * @param capture the tables captured besides the outbox; default none
 * @param http where health and metrics are served
 */
public record ConnectorConfig(
    KafkaConfig kafka,
    Database database,
    Registry registry,
    Connector connector,
    TableCapture capture,
    Http http) {

  /** Default HTTP port, the one the compose Prometheus configuration scrapes. */
  public static final int DEFAULT_HTTP_PORT = 8086;

  /** PostgreSQL identifiers for slots and publications: lower case, digits, underscores. */
  private static final Pattern PG_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private static final Pattern ENGINE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  private static final ConnectorConfig DEFAULTS =
      new ConnectorConfig(
          KafkaConfig.of("127.0.0.1:9092"),
          new Database("127.0.0.1", 5432, "offload", "postgres", ""),
          new Registry("http://127.0.0.1:8081"),
          new Connector(
              "offload-connector",
              "offload_outbox",
              "offload_outbox_pub",
              Path.of("offload-data/connector/offsets.dat"),
              Duration.ofMillis(10),
              Duration.ofSeconds(1),
              Duration.ofSeconds(10)),
          TableCapture.none(),
          new Http("127.0.0.1", DEFAULT_HTTP_PORT));

  /**
   * Loads, parses and prints the connector's file ({@code ConnectorConfig.LOADER.load(file, env,
   * options)}), {@link KafkaClientSecurity}'s variables laid over {@code kafka.security}; names the
   * variables it reads.
   */
  public static final ConfigLoader<ConnectorConfig> LOADER =
      ConfigLoader.of(ConnectorConfig.class, DEFAULTS, "connector configuration")
          .legacyEnv("OFFLOAD_CONNECTOR_HTTP_PORT", "http.port");

  /**
   * @param host PostgreSQL host of the database holding {@code offload_outbox}
   * @param port PostgreSQL port
   * @param name the database holding {@code public.offload_outbox}
   * @param user a user allowed to replicate and to create the publication
   * @param password that user's password, may be empty; never logged nor shown by {@link
   *     #toString()}
   */
  public record Database(
      @Text String host,
      @Port(1) int port,
      @Text String name,
      @Text String user,
      @Secret String password) {

    /** The JDBC URL of the database. */
    public String jdbcUrl() {
      return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    /** Every field, the password masked. */
    @Override
    public String toString() {
      return Redacted.toString(this, "password");
    }
  }

  /**
   * @param url the registry's URL; default {@code http://127.0.0.1:8081}
   */
  public record Registry(@Text String url) {}

  /**
   * @param name the engine name and Debezium {@code topic.prefix} (names the offsets and the
   *     heartbeat topic, never the event topics); default {@code offload-connector}
   * @param slot the logical replication slot; default {@code offload_outbox}. It must survive
   *     restarts (it is never dropped on stop): a new slot would skip the events written while no
   *     connector ran
   * @param publication the publication the connector creates for the captured tables only; default
   *     {@code offload_outbox_pub}
   * @param offsetFile where the connector's WAL position is stored, so a restart resumes where it
   *     stopped; default {@code offload-data/connector/offsets.dat}
   * @param pollInterval how long the connector waits for new changes before looking again; default
   *     10 ms (Debezium's 500 ms default adds half a second to every event)
   * @param offsetFlushInterval how often the position is written and confirmed to the slot; the
   *     bound on re-delivery after a crash (see above); default 1 s
   * @param heartbeatInterval how often the connector records its position even when the outbox is
   *     quiet, so the slot advances and PostgreSQL can recycle WAL; default 10 s
   */
  public record Connector(
      String name,
      String slot,
      String publication,
      Path offsetFile,
      @Positive Duration pollInterval,
      @Positive Duration offsetFlushInterval,
      @Positive Duration heartbeatInterval) {
    /** Validates the names. */
    public Connector {
      if (name == null || !ENGINE_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(
            "connector.name must be 1-100 letters, digits, '.', '_' or '-': '" + name + "'");
      }
      requirePgName(slot, "connector.slot");
      requirePgName(publication, "connector.publication");
    }
  }

  /**
   * @param host the address health and metrics are served on; default {@code 127.0.0.1}
   * @param port their port; default {@value #DEFAULT_HTTP_PORT}, 0 any free port, -1 none
   */
  public record Http(@Text String host, @Port(-1) int port) {}

  /**
   * The defaults, connecting to {@code bootstrapServers} and the database named, the position kept
   * in {@code offsetFile}.
   */
  public static ConnectorConfig of(
      String bootstrapServers,
      String host,
      int port,
      String database,
      String user,
      String password,
      Path offsetFile) {
    ConnectorConfig c =
        LOADER.with(DEFAULTS, "database", new Database(host, port, database, user, password));
    c = LOADER.with(c, "connector.offset-file", offsetFile);
    return LOADER.with(c, "kafka.bootstrap-servers", bootstrapServers);
  }

  /**
   * This configuration with {@code keys} set, by dotted key as the file names them ({@code
   * connector.slot}); validated as a file is.
   */
  public ConnectorConfig with(Map<String, String> keys) {
    return LOADER.with(this, keys);
  }

  /**
   * The Debezium embedded engine properties for the outbox plus the tables of {@link #capture}, in
   * one engine and one replication slot; the outbox router applies to the outbox table only.
   */
  public Properties debeziumProperties() {
    Properties p = new Properties();
    p.setProperty("name", connector.name);
    p.setProperty("connector.class", SlotGuardedPostgresConnector.class.getName());
    p.setProperty("topic.prefix", connector.name);
    // Progress: a file under the data directory, replaced atomically so a crash mid-write
    // cannot leave a torn file (Kafka's FileOffsetBackingStore truncates and rewrites in place).
    p.setProperty("offset.storage", AtomicFileOffsetStore.class.getName());
    p.setProperty("offset.storage.file.filename", connector.offsetFile.toAbsolutePath().toString());
    p.setProperty("offset.flush.interval.ms", millis(connector.offsetFlushInterval));

    p.setProperty("database.hostname", database.host);
    p.setProperty("database.port", Integer.toString(database.port));
    p.setProperty("database.dbname", database.name);
    p.setProperty("database.user", database.user);
    p.setProperty("database.password", database.password);

    p.setProperty("plugin.name", "pgoutput");
    p.setProperty("slot.name", connector.slot);
    p.setProperty("slot.drop.on.stop", "false");
    p.setProperty("publication.name", connector.publication);
    p.setProperty("publication.autocreate.mode", "filtered");
    p.setProperty("table.include.list", OutboxTable.QUALIFIED_NAME);
    // The outbox stays empty (rows are deleted in the inserting transaction): there is nothing
    // to snapshot, events arrive only through the WAL.
    p.setProperty("snapshot.mode", "no_data");
    p.setProperty("tombstones.on.delete", "false");
    // The bytea payload arrives as a ByteBuffer and goes to Kafka as is (not base64 or hex text).
    p.setProperty("binary.handling.mode", "bytes");
    p.setProperty("poll.interval.ms", millis(connector.pollInterval));
    p.setProperty("heartbeat.interval.ms", millis(connector.heartbeatInterval));

    outboxRouter(p);
    // The table-less outbox: logical decoding messages become the same records as outbox rows.
    OutboxMessageRouter.addTo(p);
    capture.applyTo(p);
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
        "predicates.outboxTable.pattern",
        Pattern.quote(connector.name + "." + OutboxTable.QUALIFIED_NAME));
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

  /**
   * The Kafka producer properties: acknowledged by all in-sync replicas, idempotent; keys and
   * values are bytes (outbox keys as UTF-8 text, change keys as Avro).
   */
  public Map<String, Object> producerProperties() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ProducerConfig.CLIENT_ID_CONFIG, connector.name);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    // SASL and TLS settings; the secrets are read from their files now, as hidden passwords.
    p.putAll(kafka.clientSecurity().clientProperties());
    p.putAll(kafka.properties());
    return Map.copyOf(p);
  }

  private static String millis(Duration d) {
    return Long.toString(d.toMillis());
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
}
