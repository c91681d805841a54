package dev.offload.app;

import dev.offload.app.internal.RecordPrinter;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code offload tail}: prints a topic's records as they arrive, without joining a group. */
@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = {
      "Print the records of a topic as they arrive: key, headers and decoded value.",
      "Avro values (Confluent wire format) are decoded with the schema registry and shown as",
      "JSON; while the registry cannot be reached they are shown as <avro, schema id N, M bytes>.",
      "Reads without a consumer group, so it never moves anybody's offsets.",
      "Kafka client security (SASL, TLS) comes from OFFLOAD_KAFKA_SECURITY_PROTOCOL,",
      "OFFLOAD_KAFKA_SASL_MECHANISM, OFFLOAD_KAFKA_SASL_JAAS_CONFIG_FILE,",
      "OFFLOAD_KAFKA_SSL_TRUSTSTORE_LOCATION and OFFLOAD_KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE."
    })
final class TailCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "TOPIC",
      description = "Topic, e.g. offload.events.user-signed-up")
  String topic;

  @Option(
      names = "--from-beginning",
      description = "Start at the oldest record instead of only new ones.")
  boolean fromBeginning;

  @Mixin KafkaOption kafka;

  @Mixin RegistryOption registry;

  @Option(
      names = {"-n", "--max-messages"},
      description = "Exit after printing this many records.")
  Integer maxMessages;

  @Option(
      names = "--timeout",
      converter = DurationConverter.class,
      description = "Exit when no record arrived for this long, e.g. 30s (default: wait forever).")
  Duration timeout;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties())) {
      Thread main = Thread.currentThread();
      Thread hook = new Thread(consumer::wakeup, "offload-tail-stop");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        List<TopicPartition> partitions = awaitPartitions(consumer, err);
        if (partitions == null) {
          err.println("offload: topic " + topic + " did not appear within " + timeout);
          return 1;
        }
        consumer.assign(partitions);
        if (fromBeginning) {
          consumer.seekToBeginning(partitions);
        } else {
          consumer.seekToEnd(partitions);
        }
        RecordPrinter printer =
            RecordPrinter.withRegistry(
                registry.client(),
                warning -> {
                  err.println("offload: " + warning);
                  err.flush();
                },
                Clock.systemUTC());
        return printUntilDone(consumer, printer, out);
      } catch (WakeupException e) {
        return 0;
      } finally {
        if (Thread.currentThread() == main) {
          removeHook(hook);
        }
      }
    }
  }

  private int printUntilDone(
      KafkaConsumer<byte[], byte[]> consumer, RecordPrinter printer, PrintWriter out) {
    int printed = 0;
    long lastRecord = System.nanoTime();
    while (maxMessages == null || printed < maxMessages) {
      var records = consumer.poll(Duration.ofMillis(200));
      for (ConsumerRecord<byte[], byte[]> record : records) {
        out.println(printer.format(record));
        out.flush();
        lastRecord = System.nanoTime();
        if (maxMessages != null && ++printed >= maxMessages) {
          return 0;
        }
      }
      if (timeout != null && System.nanoTime() - lastRecord > timeout.toNanos()) {
        return maxMessages == null ? 0 : 1;
      }
    }
    return 0;
  }

  private List<TopicPartition> awaitPartitions(
      KafkaConsumer<byte[], byte[]> consumer, PrintWriter err) {
    long start = System.nanoTime();
    boolean told = false;
    while (true) {
      List<PartitionInfo> infos = consumer.listTopics(Duration.ofSeconds(10)).get(topic);
      if (infos != null && !infos.isEmpty()) {
        return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      }
      if (!told) {
        err.println("waiting for topic " + topic + " to exist...");
        err.flush();
        told = true;
      }
      if (timeout != null && System.nanoTime() - start > timeout.toNanos()) {
        return null;
      }
      consumer.poll(Duration.ofMillis(500));
    }
  }

  private Properties properties() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "offload-tail");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return kafka.security().applyTo(p);
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook is running or has run.
    }
  }
}
