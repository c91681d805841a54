package dev.offload.embedded.registry;

import static dev.offload.embedded.registry.TestSchemas.ID;
import static dev.offload.embedded.registry.TestSchemas.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.registry.CompatibilityLevel;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The storage topic is created and written as Confluent Schema Registry does it. */
@ExtendWith(SharedInfrastructure.class)
class RegistryStorageIT {

  @Test
  void createsACompactedSinglePartitionTopicWithConfluentsRecords(Infrastructure infrastructure)
      throws Exception {
    String topic = TestNames.topic("schemas");
    try (SchemaRegistryServer server = Registries.start(infrastructure, topic);
        Admin admin =
            Admin.create(Map.of("bootstrap.servers", infrastructure.bootstrapServers()))) {
      RegistryClient client = new RegistryClient(RegistryClientConfig.of(server.url()));
      int id = client.register("s", user(ID));
      client.setCompatibility(CompatibilityLevel.FULL);
      client.deleteSubject("s");

      TopicDescription description =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      assertThat(description.partitions()).hasSize(1);
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      assertThat(
              admin
                  .describeConfigs(List.of(resource))
                  .all()
                  .get()
                  .get(resource)
                  .get("cleanup.policy")
                  .value())
          .isEqualTo("compact");

      List<ConsumerRecord<String, String>> records = readAll(infrastructure, topic, 3);
      assertThat(records)
          .extracting(ConsumerRecord::key)
          .containsExactly(
              "{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":1,\"magic\":1}",
              "{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}",
              "{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"s\",\"magic\":0}");
      JsonNode schema = RawHttp.parse(records.get(0).value());
      assertThat(schema.get("id").asInt()).isEqualTo(id);
      assertThat(schema.get("schema").asText()).isEqualTo(user(ID).toString());
      assertThat(schema.get("deleted").asBoolean()).isFalse();
      assertThat(records.get(1).value()).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
      assertThat(records.get(2).value()).isEqualTo("{\"subject\":\"s\",\"version\":1}");
    }
  }

  @Test
  void refusesATopicThatCannotKeepTheOrder(Infrastructure infrastructure) throws Exception {
    String topic = TestNames.topic("schemas");
    try (Admin admin =
        Admin.create(Map.of("bootstrap.servers", infrastructure.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
    }

    assertThatThrownBy(() -> Registries.start(infrastructure, topic))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(topic)
        .hasMessageContaining("3 partitions");
  }

  @Test
  void aTakenPortIsRefusedWithItsNumber(Infrastructure infrastructure) {
    String topic = TestNames.topic("schemas");
    try (SchemaRegistryServer server = Registries.start(infrastructure, topic)) {
      RegistryServerConfig same =
          RegistryServerConfig.builder(infrastructure.bootstrapServers())
              .topic(topic)
              .port(server.port())
              .build();

      assertThatThrownBy(() -> SchemaRegistryServer.start(same))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(Integer.toString(server.port()));
      assertThat(new RawHttp(server.url()).get("/subjects").status()).isEqualTo(200);
    }
  }

  private static List<ConsumerRecord<String, String>> readAll(
      Infrastructure infrastructure, String topic, int count) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infrastructure.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    try (var consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      await()
          .atMost(Duration.ofSeconds(15))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
              });
    }
    return records;
  }
}
