package dev.offload.embedded.registry;

import dev.offload.embedded.Infrastructure;

/** Starts registry servers on the shared broker. */
final class Registries {
  private Registries() {}

  /** A server on a free port storing in {@code topic}. */
  static SchemaRegistryServer start(Infrastructure infrastructure, String topic) {
    return SchemaRegistryServer.start(
        RegistryServerConfig.builder(infrastructure.bootstrapServers())
            .port(0)
            .topic(topic)
            .build());
  }
}
