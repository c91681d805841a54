package dev.offload.streams.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.streams.ItSupport;
import dev.offload.streams.StreamsConfiguration;
import dev.offload.streams.StreamsRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Interactive queries across two instances: either one gives the same, correct answer. */
@ExtendWith(SharedInfrastructure.class)
class AnalyticsQueryIT {
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  @TempDir Path dir;
  private StreamsRunner first;
  private StreamsRunner second;

  @AfterEach
  void tearDown() {
    for (StreamsRunner r : new StreamsRunner[] {first, second}) {
      if (r != null) {
        r.close();
      }
    }
  }

  private StreamsRunner start(String bootstrap, String appId, String base, String name) {
    String yaml =
        """
        kafka: {bootstrap-servers: '%s'}
        application-id: %s
        state-dir: '%s'
        commit-interval: 100ms
        http: {port: 0}
        topologies:
          analytics: {input-pattern: 'offload\\.events\\.%s-.+', view-prefix: %s}
        """
            .formatted(bootstrap, appId, dir.resolve(name), base, appId);
    return StreamsRunner.start(
        new AnalyticsTopology(), StreamsConfiguration.LOADER.parse(yaml, Map.of()));
  }

  @Test
  void eitherInstanceAnswersForEveryKeyWithTheSameCounts(Infrastructure infrastructure)
      throws Exception {
    String bootstrap = infrastructure.bootstrapServers();
    String base = TestNames.eventType("iq");
    String appId = TestNames.group("analytics-iq");
    List<String> types = IntStream.range(0, 9).mapToObj(i -> base + "-t" + i).toList();
    ItSupport.createTopics(bootstrap, types.stream().map(t -> "offload.events." + t).toList(), 3);
    first = start(bootstrap, appId, base, "first");
    second = start(bootstrap, appId, base, "second");
    await()
        .atMost(PATIENCE)
        .until(
            () ->
                first.state() == KafkaStreams.State.RUNNING
                    && second.state() == KafkaStreams.State.RUNNING);

    try (var producer = ItSupport.producer(bootstrap)) {
      for (int i = 0; i < types.size(); i++) {
        for (int n = 0; n <= i; n++) {
          String type = types.get(i);
          producer.send(
              ItSupport.event(
                  "offload.events." + type, "k" + n, UUID.randomUUID().toString(), type, "shop"));
        }
      }
      producer.flush();
    }

    for (int i = 0; i < types.size(); i++) {
      String type = types.get(i);
      long expected = i + 1;
      String path = AnalyticsQueries.PATH + "?type=" + type + "&window=1m&from=0&to=4102444800000";
      await()
          .atMost(PATIENCE)
          .untilAsserted(
              () -> {
                var a = ItSupport.get(first.httpPort(), path);
                var b = ItSupport.get(second.httpPort(), path);
                assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
                assertThat(b.statusCode()).as(b.body()).isEqualTo(200);
                JsonNode fromFirst = ItSupport.json(a.body());
                assertThat(fromFirst.get("total").asLong()).isEqualTo(expected);
                assertThat(ItSupport.json(b.body())).isEqualTo(fromFirst);
              });
    }
    var producerCounts =
        ItSupport.json(
            ItSupport.get(
                    second.httpPort(),
                    AnalyticsQueries.PATH + "?producer=shop&window=1m&from=0&to=4102444800000")
                .body());
    assertThat(producerCounts.get("total").asLong()).isEqualTo(45);

    // Every key is owned by one of the two, so for each key one of the answers was forwarded.
    String store = AnalyticsTopology.storeName(CountDimension.TYPE, CountWindow.MINUTE);
    Set<Integer> owners = new HashSet<>();
    for (String type : types) {
      owners.add(
          first
              .instances()
              .get(0)
              .queryMetadataForKey(store, type, Serdes.String().serializer())
              .activeHost()
              .port());
    }
    assertThat(owners).isNotEmpty().isSubsetOf(first.httpPort(), second.httpPort());
  }

  @Test
  void rejectsAQueryWithoutAKeyNamingTheParameters(Infrastructure infrastructure) {
    String base = TestNames.eventType("iqbad");
    first = start(infrastructure.bootstrapServers(), TestNames.group("iq-bad"), base, "bad");

    var response = ItSupport.get(first.httpPort(), AnalyticsQueries.PATH + "?window=1m");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("type=").contains("producer=");
    var ready = ItSupport.get(first.httpPort(), "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body())
        .contains("\"topology\":\"analytics\"")
        .contains("\"waitingForInputTopics\":true");
  }
}
