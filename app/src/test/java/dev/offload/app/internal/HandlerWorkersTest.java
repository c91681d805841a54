package dev.offload.app.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.consumers.handlers.analytics.AnalyticsHandler;
import dev.offload.consumers.handlers.email.EmailHandler;
import dev.offload.consumers.handlers.index.IndexHandler;
import dev.offload.schemas.Topics;
import dev.offload.streams.router.RouterConfig;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HandlerWorkersTest {
  /** Handler name to the event topics its worker deserializes. */
  private static final Map<String, List<String>> READS =
      Map.of(
          EmailHandler.NAME, EmailHandler.TOPICS,
          IndexHandler.NAME, IndexHandler.TOPICS,
          AnalyticsHandler.NAME, AnalyticsHandler.TOPICS);

  @Test
  void theRoutersDefaultTableSendsEachTypeOnlyToAHandlerThatReadsIt() {
    Map<String, Set<String>> routed = new HashMap<>();
    RouterConfig.DEFAULT_ROUTES.forEach(
        (type, handlers) -> {
          for (String handler : handlers) {
            assertThat(READS).as("handler of %s", type).containsKey(handler);
            assertThat(READS.get(handler))
                .as("types the %s worker reads", handler)
                .contains(Topics.events(type));
            routed.computeIfAbsent(handler, h -> new HashSet<>()).add(Topics.events(type));
          }
        });

    READS.forEach(
        (handler, topics) ->
            assertThat(routed.get(handler))
                .as("types routed to %s", handler)
                .containsExactlyInAnyOrderElementsOf(topics));
  }

  @Test
  void devRoutesTheDefaultTableToTheTopicsTheWorkersRead() {
    assertThat(HandlerWorkers.ROUTES).isEqualTo(Map.copyOf(RouterConfig.DEFAULT_ROUTES));
    assertThat(
            RouterConfig.defaults().routes().keySet().stream()
                .flatMap(type -> RouterConfig.defaults().destinations(type).stream())
                .distinct())
        .containsExactlyInAnyOrderElementsOf(HandlerWorkers.WORK_TOPICS)
        .allMatch(topic -> topic.startsWith(Topics.WORK_PREFIX));
  }
}
