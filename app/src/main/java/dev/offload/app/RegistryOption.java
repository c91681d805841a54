package dev.offload.app;

import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The {@code --registry-url} option of the commands that talk to the schema registry. */
final class RegistryOption {
  @Option(
      names = "--registry-url",
      defaultValue = "http://127.0.0.1:8081",
      paramLabel = "URL",
      description =
          "Schema registry (Confluent REST API); credentials as https://user:secret@host"
              + " (default: ${DEFAULT-VALUE}).")
  String url;

  /** A client that gives up quickly: a person is waiting at the terminal. */
  RegistryClient client() {
    return new RegistryClient(
        RegistryClientConfig.builder(url)
            .connectTimeout(Duration.ofSeconds(3))
            .requestTimeout(Duration.ofSeconds(10))
            .maxRetries(1)
            .retryBackoff(Duration.ofMillis(200))
            .retryBackoffMax(Duration.ofMillis(500))
            .build());
  }

  /** The URL without credentials, for messages. */
  String display() {
    return RegistryClientConfig.of(url).urls().get(0).toString();
  }
}
