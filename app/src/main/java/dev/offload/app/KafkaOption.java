package dev.offload.app;

import dev.offload.schemas.kafka.KafkaClientSecurity;
import picocli.CommandLine.Option;

/**
 * The {@code --bootstrap-server} option of the commands that talk to Kafka, and the client security
 * (SASL, TLS) they all read from the environment ({@link KafkaClientSecurity#fromEnvironment}).
 */
final class KafkaOption {
  @Option(
      names = {"-b", "--bootstrap-server"},
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:9092",
      description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
  String bootstrapServers;

  /** The client security the environment sets ({@code OFFLOAD_KAFKA_SECURITY_PROTOCOL}, …). */
  KafkaClientSecurity security() {
    return KafkaClientSecurity.fromEnvironment(System.getenv());
  }
}
