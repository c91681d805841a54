package dev.offload.app;

import dev.offload.embedded.registry.RegistryServerConfig;
import dev.offload.embedded.registry.SchemaRegistryServer;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code offload registry}: the Confluent-compatible schema registry as its own process role. */
@Command(
    name = "registry",
    mixinStandardHelpOptions = true,
    description = {
      "Run the schema registry: the Confluent Schema Registry REST API (Avro), with schemas kept",
      "in a compacted Kafka topic. Start several on the same topic for availability; they serve",
      "the same ids and versions. Stop with Ctrl-C."
    })
final class RegistryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "8081",
      description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Interface to listen on; 0.0.0.0 for all (default: ${DEFAULT-VALUE}).")
  String host;

  @Mixin KafkaOption kafka;

  @Option(
      names = "--topic",
      defaultValue = "_schemas",
      description = "Compacted storage topic, created if absent (default: ${DEFAULT-VALUE}).")
  String topic;

  @Override
  public Integer call() throws Exception {
    RegistryServerConfig config =
        RegistryServerConfig.builder(kafka.bootstrapServers)
            .host(host)
            .port(port)
            .topic(topic)
            .kafkaProperties(kafka.security().clientPropertiesAsText())
            .build();
    SchemaRegistryServer server = SchemaRegistryServer.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              server.close();
              stopped.countDown();
            },
            "offload-registry-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    out.println("Schema registry on " + server.url() + " (storage topic " + server.topic() + ")");
    out.flush();
    stopped.await();
    return 0;
  }
}
