package dev.offload.bench.internal;

import dev.offload.embedded.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** A fresh embedded Kafka broker in a temporary directory, deleted on close. */
public final class BenchKafka implements AutoCloseable {
  private final Path root;
  private final EmbeddedKafka kafka;

  private BenchKafka(Path root, EmbeddedKafka kafka) {
    this.root = root;
    this.kafka = kafka;
  }

  /** Starts the broker. */
  public static BenchKafka start() {
    try {
      Path root = Files.createTempDirectory("offload-bench-");
      return new BenchKafka(root, EmbeddedKafka.start(root.resolve("kafka"), 0, Map.of()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kafka bootstrap servers. */
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** A directory for state (Kafka Streams state stores), inside the deleted tree. */
  public Path dir(String name) {
    return root.resolve(name);
  }

  /** Stops the broker and deletes its data. */
  @Override
  public void close() {
    kafka.close();
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
