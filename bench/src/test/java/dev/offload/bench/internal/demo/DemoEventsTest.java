package dev.offload.bench.internal.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.bench.internal.pipeline.EventMix;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DemoEventsTest {
  private final DemoEvents events = new DemoEvents();

  @Test
  void theFirstThreeAreOneOfEachTypeAndTheMixFollows() {
    assertThat(LongStream.range(0, 3).mapToObj(seq -> events.request(seq).type()))
        .containsExactly("user-signed-up", "document-changed", "page-viewed");
    assertThat(data(events.request(1)).getString("title")).isEqualTo("Quarterly kestrel report");
    Map<String, Integer> counts = new HashMap<>();
    for (long seq = 0; seq < 10_000; seq++) {
      counts.merge(events.request(seq).type(), 1, Integer::sum);
    }
    assertThat(counts.get("page-viewed")).isBetween(6_200, 6_800);
    assertThat(counts.get("document-changed")).isBetween(1_800, 2_200);
    assertThat(counts.get("user-signed-up")).isBetween(1_300, 1_700);
    assertThat(events.request(42)).isEqualTo(events.request(42));
  }

  @Test
  void oneInTwoHundredIsASignUpWhoseAddressHasNoAt() {
    List<Long> invalid = LongStream.range(0, 1_000).filter(DemoEvents::isInvalid).boxed().toList();
    assertThat(invalid).containsExactly(25L, 225L, 425L, 625L, 825L);
    for (long seq = 0; seq < 1_000; seq++) {
      EventMix.Request r = events.request(seq);
      if (!r.type().equals("user-signed-up")) {
        continue;
      }
      String email = data(r).getString("email");
      if (DemoEvents.isInvalid(seq)) {
        assertThat(email).doesNotContain("@").matches("[a-z]+\\.[a-z]+\\.example\\.(com|org|net)");
      } else {
        assertThat(email).matches("[a-z]+\\.[a-z]+@example\\.(com|org|net)");
        assertThat(data(r).getString("name")).matches("[A-Z][a-z]+ [A-Z][A-Za-z-]+");
      }
    }
  }

  @Test
  void documentsHaveTitlesAndBodiesAndViewsGoOverTheSitesPaths() {
    for (long seq = 0; seq < 1_000; seq++) {
      EventMix.Request r = events.request(seq);
      JsonObject data = data(r);
      assertThat(new JsonObject(r.json()).getString("key")).isEqualTo(r.entity());
      switch (r.type()) {
        case "document-changed" -> {
          assertThat(data.getString("id")).matches("doc-\\d+");
          assertThat(data.getString("title")).isNotBlank();
          assertThat(data.getString("body")).endsWith("Revision " + seq + ".");
        }
        case "page-viewed" -> {
          assertThat(data.getString("path")).startsWith("/");
          assertThat(data.getLong("durationMs")).isBetween(400L, 30_400L);
        }
        default -> assertThat(r.type()).isEqualTo("user-signed-up");
      }
    }
  }

  private static JsonObject data(EventMix.Request r) {
    return new JsonObject(r.json()).getJsonObject("data");
  }
}
