package dev.offload.bench.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.bench.PipelineMix;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventMixTest {
  private final EventMix mix = new EventMix("r1", PipelineMix.defaults(), 3_000);

  @Test
  void typesFollowTheMixAndEventsAreTheSameForTheSameNumber() {
    Map<String, Integer> counts = new HashMap<>();
    for (long seq = 0; seq < 100_000; seq++) {
      counts.merge(mix.request(seq).type(), 1, Integer::sum);
    }
    assertThat(counts.get("page-viewed")).isBetween(89_000, 91_000);
    assertThat(counts.get("document-changed")).isBetween(7_500, 8_500);
    assertThat(counts.get("user-signed-up")).isBetween(1_700, 2_300);
    assertThat(mix.request(42)).isEqualTo(mix.request(42));
  }

  @Test
  void documentsAndSignUpsHaveIdsOfTheirOwnAndViewsUseTheRunsPaths() {
    Set<String> entities = new HashSet<>();
    Set<String> users = new HashSet<>();
    for (long seq = 0; seq < 20_000; seq++) {
      EventMix.Request r = mix.request(seq);
      JsonObject data = new JsonObject(r.json()).getJsonObject("data");
      switch (r.type()) {
        case "page-viewed" -> {
          assertThat(data.getString("path")).startsWith("/bench/r1/");
          users.add(r.entity());
        }
        case "document-changed" -> {
          assertThat(entities.add(r.entity())).isTrue();
          assertThat(data.getString("title")).endsWith(" " + r.entity());
          assertThat(r.entity()).matches("[a-z0-9]+");
        }
        default -> assertThat(entities.add(r.entity())).isTrue();
      }
    }
    assertThat(users).hasSizeBetween(2_900, 3_000);
  }
}
