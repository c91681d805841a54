package dev.offload.streams.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.junit.Ledger;
import dev.offload.embedded.junit.ProxiedKafka;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import dev.offload.streams.ItSupport;
import dev.offload.streams.StreamsConfiguration;
import dev.offload.streams.StreamsRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network between a {@code router} under exactly-once and Kafka frozen for 30 s under steady
 * load: the TCP proxy of a {@link ProxiedKafka} stops passing bytes either way while the
 * connections stay open. That is five times the router's session timeout and six times its
 * transaction timeout: the broker ends its group membership and aborts its open transaction on its
 * own. After the thaw the same router, never restarted, finds itself fenced, rejoins and routes on.
 * Judged by the {@link Ledger} on both work topics, read committed to their end offsets once the
 * group has committed the end of its input: every acknowledged event routed to each of its handlers
 * once, in its key's order. Deduplication is off, so only the transactions keep the aborted records
 * out.
 */
class RouterNetworkFreezeIT {
  private static final Logger log = LoggerFactory.getLogger(RouterNetworkFreezeIT.class);
  private static final Duration FROZEN = Duration.ofSeconds(30);
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void theRouterRejoinsByItselfAndRoutesEveryEventOnceInKeyOrder() throws Exception {
    try (ProxiedKafka kafka = ProxiedKafka.start(dir.resolve("kafka"))) {
      run(kafka.bootstrapServers(), kafka);
    }
  }

  private void run(String bootstrap, ProxiedKafka proxy) throws Exception {
    String signup = TestNames.eventType("freeze-signup");
    String view = TestNames.eventType("freeze-view");
    String mail = TestNames.topic("freeze-mail");
    String audit = TestNames.topic("freeze-audit");
    String appId = TestNames.group("router-freeze");
    List<String> inputs = List.of(Topics.events(signup), Topics.events(view));
    ItSupport.createTopics(bootstrap, inputs, 3);
    ItSupport.createTopics(bootstrap, List.of(Topics.work(mail), Topics.work(audit)), 3);
    String yaml =
        RouterLoad.config(bootstrap, appId, signup, view, mail, audit)
            .formatted("", dir.resolve("router"), 0);

    Ledger toMail = new Ledger();
    Ledger toAudit = new Ledger();
    Set<KafkaStreams.State> states = ConcurrentHashMap.newKeySet();
    try (StreamsRunner router =
        StreamsRunner.start(
            new RouterTopology(), StreamsConfiguration.LOADER.parse(yaml, Map.of()))) {
      await().atMost(PATIENCE).until(() -> router.state() == KafkaStreams.State.RUNNING);
      try (RouterLoad load = new RouterLoad(bootstrap, inputs, signup, toMail, toAudit)) {
        await().atMost(PATIENCE).until(() -> load.acked() >= 400);
        proxy.freeze();
        long ackedAtFreeze = load.acked();
        log.info("Network between the router and Kafka frozen after {} events", ackedAtFreeze);
        long frozenUntil = System.nanoTime() + FROZEN.toNanos();
        while (System.nanoTime() < frozenUntil) { // the freeze itself, watched
          states.add(router.state());
          Thread.sleep(100);
        }
        proxy.unfreeze();
        long thawed = System.nanoTime();
        long ackedAtThaw = load.acked();
        await().atMost(PATIENCE).until(() -> load.acked() >= ackedAtThaw + 400);
        load.stop();
        await()
            .atMost(PATIENCE)
            .pollInterval(Duration.ofMillis(250))
            .until(() -> Ledger.caughtUp(bootstrap, appId, inputs));
        long caughtUp = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - thawed);
        states.add(router.state());

        Ledger.Report mails =
            toMail.judge(Ledger.readToEnd(bootstrap, List.of(Topics.work(mail)), PATIENCE));
        Ledger.Report audits =
            toAudit.judge(Ledger.readToEnd(bootstrap, List.of(Topics.work(audit)), PATIENCE));
        log.info(
            "Router frozen from Kafka {} s: {} events acknowledged in all; states seen {}; its group"
                + " committed the end of its input {} ms after the thaw; mail work topic: {}; audit"
                + " work topic: {}",
            FROZEN.toSeconds(),
            toAudit.size(),
            states,
            caughtUp,
            mails,
            audits);
        assertThat(states)
            .as("the same router carries on, never stopping")
            .doesNotContainAnyElementsOf(
                EnumSet.of(
                    KafkaStreams.State.ERROR,
                    KafkaStreams.State.PENDING_ERROR,
                    KafkaStreams.State.NOT_RUNNING));
        assertThat(router.state()).isEqualTo(KafkaStreams.State.RUNNING);
        assertThat(mails.clean()).as(mails.toString()).isTrue();
        assertThat(audits.clean()).as(audits.toString()).isTrue();
      }
    }
  }
}
