package dev.offload.embedded.internal;

import dev.offload.embedded.Backend;
import dev.offload.embedded.EmbeddedKafka;
import dev.offload.embedded.EmbeddedPostgres;
import dev.offload.embedded.Infrastructure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** The embedded servers in a temporary directory that is deleted on close. */
public final class EmbeddedInfrastructure implements Infrastructure {
  private final Path root;
  private final EmbeddedKafka kafka;
  private final EmbeddedPostgres postgres;

  private EmbeddedInfrastructure(Path root, EmbeddedKafka kafka, EmbeddedPostgres postgres) {
    this.root = root;
    this.kafka = kafka;
    this.postgres = postgres;
  }

  /** Starts a broker and a PostgreSQL server under a fresh temporary directory. */
  public static EmbeddedInfrastructure start() {
    try {
      Path root = Files.createTempDirectory("offload-it-");
      EmbeddedPostgres postgres = EmbeddedPostgres.start(root.resolve("postgres"), 0);
      EmbeddedKafka kafka = EmbeddedKafka.start(root.resolve("kafka"), 0, Map.of());
      return new EmbeddedInfrastructure(root, kafka, postgres);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Backend backend() {
    return Backend.EMBEDDED;
  }

  @Override
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  @Override
  public String postgresHost() {
    return postgres.host();
  }

  @Override
  public int postgresPort() {
    return postgres.port();
  }

  @Override
  public String postgresUser() {
    return EmbeddedPostgres.USER;
  }

  @Override
  public String postgresPassword() {
    return "";
  }

  @Override
  public String createDatabase(String database) {
    postgres.createDatabaseIfAbsent(database);
    return postgres.jdbcUrl(database);
  }

  @Override
  public void close() {
    try {
      kafka.close();
    } finally {
      postgres.close();
      deleteRecursively(root);
    }
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
