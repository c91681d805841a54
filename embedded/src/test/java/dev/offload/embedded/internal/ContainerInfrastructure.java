package dev.offload.embedded.internal;

import dev.offload.embedded.Backend;
import dev.offload.embedded.Infrastructure;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.kafka.KafkaContainer;

/** Kafka (KRaft) and PostgreSQL (logical WAL) in containers, for machines with a Docker engine. */
public final class ContainerInfrastructure implements Infrastructure {
  /** Kafka image, the same Kafka version as the embedded broker. */
  public static final String KAFKA_IMAGE = "apache/kafka:4.3.1";

  /** PostgreSQL image. */
  public static final String POSTGRES_IMAGE = "postgres:16-alpine";

  private final KafkaContainer kafka;
  private final PostgreSQLContainer<?> postgres;

  private ContainerInfrastructure(KafkaContainer kafka, PostgreSQLContainer<?> postgres) {
    this.kafka = kafka;
    this.postgres = postgres;
  }

  /** Whether a Docker engine answers (about 0.4 s when none runs). */
  public static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** Starts both containers. */
  public static ContainerInfrastructure start() {
    KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
    PostgreSQLContainer<?> postgres =
        new PostgreSQLContainer<>(POSTGRES_IMAGE)
            .withCommand(
                "postgres",
                "-c",
                "wal_level=logical",
                "-c",
                "max_replication_slots=64",
                "-c",
                "max_wal_senders=64",
                "-c",
                "synchronous_commit=on");
    kafka.start();
    postgres.start();
    return new ContainerInfrastructure(kafka, postgres);
  }

  @Override
  public Backend backend() {
    return Backend.CONTAINERS;
  }

  @Override
  public String bootstrapServers() {
    return kafka.getBootstrapServers();
  }

  @Override
  public String postgresHost() {
    return postgres.getHost();
  }

  @Override
  public int postgresPort() {
    return postgres.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT);
  }

  @Override
  public String postgresUser() {
    return postgres.getUsername();
  }

  @Override
  public String postgresPassword() {
    return postgres.getPassword();
  }

  @Override
  public String createDatabase(String database) {
    Databases.createIfAbsent(
        jdbcUrl(postgres.getDatabaseName()), postgresUser(), postgresPassword(), database);
    return jdbcUrl(database);
  }

  @Override
  public void close() {
    try {
      kafka.stop();
    } finally {
      postgres.stop();
    }
  }
}
