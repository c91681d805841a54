package dev.offload.embedded.registry;

import static dev.offload.embedded.registry.TestSchemas.EMAIL_WITH_DEFAULT;
import static dev.offload.embedded.registry.TestSchemas.ID;
import static dev.offload.embedded.registry.TestSchemas.numbered;
import static dev.offload.embedded.registry.TestSchemas.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.registry.CompatibilityLevel;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import dev.offload.schemas.registry.SchemaVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Instances on one storage topic serve one registry: they agree on ids and versions, a restarted
 * instance serves what was registered before, and no id is ever given twice.
 */
@ExtendWith(SharedInfrastructure.class)
class RegistryReplicationIT {
  private static final Duration PROPAGATION = Duration.ofSeconds(10);
  private static final int SCHEMAS = 24;

  @Test
  void twoInstancesOnOneTopicAgree(Infrastructure infrastructure) {
    String topic = TestNames.topic("schemas");
    try (SchemaRegistryServer a = Registries.start(infrastructure, topic);
        SchemaRegistryServer b = Registries.start(infrastructure, topic)) {
      RegistryClient onA = client(a);
      RegistryClient onB = client(b);

      int id = onA.register("s", user(ID));
      await()
          .atMost(PROPAGATION)
          .untilAsserted(() -> assertThat(onB.latest("s").id()).isEqualTo(id));
      assertThat(onB.register("s", user(ID))).as("B knows A's registration").isEqualTo(id);

      int idOnB = onB.register("s", user(ID, EMAIL_WITH_DEFAULT));
      assertThat(idOnB).isNotEqualTo(id);
      await()
          .atMost(PROPAGATION)
          .untilAsserted(() -> assertThat(onA.latest("s")).isEqualTo(onB.latest("s")));
      assertThat(onA.latest("s").version()).isEqualTo(2);

      onB.setCompatibility("s", CompatibilityLevel.FULL);
      await()
          .atMost(PROPAGATION)
          .untilAsserted(
              () -> assertThat(onA.compatibility("s")).isEqualTo(CompatibilityLevel.FULL));
      assertThat(onA.register("t", numbered(1)))
          .as("A allocates after B's id")
          .isGreaterThan(idOnB);
    }
  }

  @Test
  void concurrentWritesOnTwoInstancesNeverShareAnIdOrVersion(Infrastructure infrastructure) {
    String topic = TestNames.topic("schemas");
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try (SchemaRegistryServer a = Registries.start(infrastructure, topic);
        SchemaRegistryServer b = Registries.start(infrastructure, topic)) {
      List<RegistryClient> clients = List.of(client(a), client(b));
      clients.get(0).setCompatibility(CompatibilityLevel.NONE);
      List<CompletableFuture<Integer>> ids = new ArrayList<>();
      for (int n = 0; n < SCHEMAS; n++) {
        RegistryClient client = clients.get(n % 2);
        String subject = "subject-" + (n % 3);
        int schema = n;
        ids.add(
            CompletableFuture.supplyAsync(() -> client.register(subject, numbered(schema)), pool));
      }
      List<Integer> given = ids.stream().map(CompletableFuture::join).toList();

      assertThat(new HashSet<>(given)).as("one id per schema").hasSize(SCHEMAS);
      await()
          .atMost(PROPAGATION)
          .untilAsserted(
              () -> {
                for (int s = 0; s < 3; s++) {
                  assertThat(versions(clients.get(0), "subject-" + s))
                      .isEqualTo(versions(clients.get(1), "subject-" + s));
                }
              });
      Set<Integer> versioned = new HashSet<>();
      for (int s = 0; s < 3; s++) {
        List<SchemaVersion> all = versions(clients.get(0), "subject-" + s);
        assertThat(all)
            .extracting(SchemaVersion::version)
            .containsExactlyElementsOf(IntStream.rangeClosed(1, all.size()).boxed().toList());
        all.forEach(v -> versioned.add(v.id()));
      }
      assertThat(versioned).containsExactlyInAnyOrderElementsOf(given);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRestartedInstanceServesTheSameIdsAndNeverReusesOne(Infrastructure infrastructure) {
    String topic = TestNames.topic("schemas");
    int first;
    int second;
    int third;
    try (SchemaRegistryServer server = Registries.start(infrastructure, topic)) {
      RegistryClient client = client(server);
      first = client.register("a", user(ID));
      second = client.register("a", user(ID, EMAIL_WITH_DEFAULT));
      third = client.register("b", numbered(1));
      client.setCompatibility(CompatibilityLevel.FORWARD);
      client.deleteSubject("b");
      client.deleteVersion("a", 2);
    }
    try (SchemaRegistryServer restarted = Registries.start(infrastructure, topic)) {
      RegistryClient client = client(restarted);
      assertThat(client.versions("a")).containsExactly(1);
      assertThat(client.version("a", 1).id()).isEqualTo(first);
      assertThat(client.subjects()).containsExactly("a");
      assertThat(client.compatibility()).isEqualTo(CompatibilityLevel.FORWARD);
      assertThat(client.getById(second)).isEqualTo(user(ID, EMAIL_WITH_DEFAULT));
      assertThat(client.getById(third)).isEqualTo(numbered(1));

      int fresh = client.register("c", numbered(2));
      assertThat(fresh).as("deleted ids are never given again").isGreaterThan(third);
      assertThat(client.register("b", numbered(1))).as("same schema, same id").isEqualTo(third);
      assertThat(client.versions("b")).as("deleted version numbers stay used").containsExactly(2);
      assertThat(client.register("a", user(ID, EMAIL_WITH_DEFAULT))).isEqualTo(second);
      assertThat(client.versions("a")).containsExactly(1, 3);
    }
  }

  private static List<SchemaVersion> versions(RegistryClient client, String subject) {
    return client.versions(subject).stream().map(v -> client.version(subject, v)).toList();
  }

  /** A client that never retries, so every answer is the server's first. */
  private static RegistryClient client(SchemaRegistryServer server) {
    Duration backoff = Duration.ofMillis(1);
    return new RegistryClient(
        RegistryClientConfig.builder(server.url())
            .maxRetries(0)
            .retryBackoff(backoff)
            .retryBackoffMax(backoff)
            .build());
  }
}
