package dev.offload.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded servers are real and keep their data across a restart on the same directory. */
class EmbeddedServersIT {

  @Test
  void kafkaCommitsTransactionsAndKeepsRecordsAcrossARestart(@TempDir Path dir) throws Exception {
    String topic = "restart-" + UUID.randomUUID();
    int port;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir)) {
      port = kafka.port();
      try (var producer = transactionalProducer(kafka.bootstrapServers())) {
        producer.initTransactions();
        producer.beginTransaction();
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
        }
        producer.commitTransaction();
      }
    }
    try (EmbeddedKafka again = EmbeddedKafka.start(dir)) {
      assertThat(again.port()).isEqualTo(port);
      assertThat(readAll(again.bootstrapServers(), topic, 10))
          .containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
    }
  }

  @Test
  void aTakenPortIsRefusedWithItsNumber(@TempDir Path dir) throws Exception {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int taken = socket.getLocalPort();
      assertThatThrownBy(() -> EmbeddedKafka.start(dir, taken, Map.of()))
          .isInstanceOf(Ports.PortInUseException.class)
          .hasMessageContaining("port " + taken);
    }
  }

  @Test
  void postgresHasLogicalDecodingAndKeepsDataAcrossARestart(@TempDir Path dir) throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0)) {
      try (var c = DriverManager.getConnection(pg.jdbcUrl("postgres"), EmbeddedPostgres.USER, "");
          var s = c.createStatement()) {
        var settings =
            s.executeQuery(
                "SELECT current_setting('wal_level'), current_setting('synchronous_commit'),"
                    + " current_setting('max_replication_slots')::int");
        settings.next();
        assertThat(settings.getString(1)).isEqualTo("logical");
        assertThat(settings.getString(2)).isEqualTo("on");
        assertThat(settings.getInt(3)).isPositive();
        s.execute("CREATE TABLE kept (id int)");
        s.execute("INSERT INTO kept VALUES (42)");
        s.execute("SELECT pg_create_logical_replication_slot('probe', 'pgoutput')");
      }
    }
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0);
        var c = DriverManager.getConnection(pg.jdbcUrl("postgres"), EmbeddedPostgres.USER, "");
        var s = c.createStatement()) {
      var rs = s.executeQuery("SELECT id FROM kept");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(42);
      var slot =
          s.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name='probe'");
      slot.next();
      assertThat(slot.getInt(1)).isEqualTo(1);
    }
  }

  /**
   * What a kill -9 of the process that started PostgreSQL leaves: the server still running on the
   * data directory, never stopped. The next start on that directory stops it and starts anew on the
   * same data; the row the killed process committed is there.
   */
  @Test
  void aServerLeftRunningByAKilledProcessIsStoppedByTheNextStart(@TempDir Path dir)
      throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                PostgresChildMain.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    long leftover;
    try (var out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null && !line.equals("started")) {
        // the child's log lines
      }
      assertThat(line).as("the child started PostgreSQL").isEqualTo("started");
      leftover =
          Long.parseLong(
              Files.readAllLines(dir.resolve("pgdata").resolve("postmaster.pid")).get(0).trim());
      child.destroyForcibly().waitFor();
    }
    assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive))
        .as("PostgreSQL outlives the process killed with SIGKILL")
        .contains(true);
    try (EmbeddedPostgres next = EmbeddedPostgres.start(dir, 0);
        var c = DriverManager.getConnection(next.jdbcUrl("postgres"), EmbeddedPostgres.USER, "");
        var s = c.createStatement()) {
      assertThat(ProcessHandle.of(leftover).map(ProcessHandle::isAlive))
          .isNotEqualTo(Optional.of(true));
      var rs = s.executeQuery("SELECT id FROM kept");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(7);
    }
  }

  private static KafkaProducer<String, String> transactionalProducer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID());
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  private static List<String> readAll(String bootstrap, String topic, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "g-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<String> values = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
      }
    }
    return values;
  }
}
