package dev.offload.embedded.registry.internal;

import dev.offload.embedded.registry.RegistryServerConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The registry's storage: the compacted topic, the reader that keeps a {@link RegistryState}
 * current, and the single-writer {@link StoreWriter}. The Kafka client properties are built here
 * and nowhere else.
 */
final class KafkaStore implements AutoCloseable {
  private final Admin admin;
  private final StoreReader reader;
  private final StoreWriter writer;

  private KafkaStore(Admin admin, StoreReader reader, StoreWriter writer) {
    this.admin = admin;
    this.reader = reader;
    this.writer = writer;
  }

  /**
   * Prepares the topic, reads it from the beginning into {@code state} and returns once the state
   * holds everything committed when the store started.
   */
  static KafkaStore open(RegistryServerConfig config, RegistryState state) {
    TopicPartition partition = new TopicPartition(config.topic(), 0);
    Admin admin = Admin.create(adminProperties(config));
    StoreReader reader = null;
    try {
      StoreTopic.ensure(admin, config.topic(), config.startTimeout());
      reader = new StoreReader(consumerProperties(config), partition, state);
      StoreWriter writer =
          new StoreWriter(
              producerProperties(config), admin, partition, reader, state, config.storeTimeout());
      reader.start();
      KafkaStore store = new KafkaStore(admin, reader, writer);
      writer.catchUp(config.startTimeout());
      return store;
    } catch (RuntimeException e) {
      if (reader != null) {
        reader.close();
      }
      admin.close();
      throw e;
    }
  }

  /** Plans and commits one write; see {@link StoreWriter#write}. */
  <T> T write(StoreWriter.Planner<T> planner) {
    return writer.write(planner);
  }

  @Override
  public void close() {
    writer.close();
    reader.close();
    admin.close();
  }

  private static Map<String, Object> common(RegistryServerConfig config) {
    Map<String, Object> p = new HashMap<>(config.kafkaProperties());
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    return p;
  }

  private static Map<String, Object> adminProperties(RegistryServerConfig config) {
    Map<String, Object> p = common(config);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "offload-registry-admin");
    return p;
  }

  private static Map<String, Object> consumerProperties(RegistryServerConfig config) {
    Map<String, Object> p = common(config);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "offload-registry-reader");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    // A write waits for the reader to see it: keep the fetch short.
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return p;
  }

  private static Map<String, Object> producerProperties(RegistryServerConfig config) {
    Map<String, Object> p = common(config);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "offload-registry-writer");
    // The same id for every instance on this topic: initialising it fences the others (see
    // StoreWriter), which is what keeps ids unique.
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "offload-schema-registry-" + config.topic());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(config.storeTimeout().toMillis()));
    // An instance that dies mid-write holds back every reader until its transaction times out.
    long transactionTimeout = Math.max(10_000, 2 * config.storeTimeout().toMillis());
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(transactionTimeout));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return p;
  }
}
