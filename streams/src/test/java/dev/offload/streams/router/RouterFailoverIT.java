package dev.offload.streams.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.Ledger;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.schemas.Topics;
import dev.offload.streams.ChildInstance;
import dev.offload.streams.CrashBeforeCommitInterceptor;
import dev.offload.streams.ItSupport;
import dev.offload.streams.StreamsConfiguration;
import dev.offload.streams.StreamsRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two {@code router} instances under exactly-once, one in this JVM and one in a child JVM that dies
 * under steady load: first killed with SIGKILL, then twice halted inside an open transaction (after
 * it sent routed records, before it committed them). Judged by the {@link Ledger} on the work
 * topics, read committed to their end offsets once the group has committed the end of its input:
 * every acknowledged event is routed to each of its handlers once, in its key's order, and nothing
 * else is. Deduplication is off, so only the transactions keep the dead instance's records out.
 */
@ExtendWith(SharedInfrastructure.class)
class RouterFailoverIT {
  private static final Logger log = LoggerFactory.getLogger(RouterFailoverIT.class);
  private static final Duration PATIENCE = Duration.ofSeconds(120);

  @TempDir Path dir;
  private StreamsRunner survivor;
  private final List<Process> children = new ArrayList<>();

  @AfterEach
  void tearDown() {
    children.forEach(Process::destroyForcibly);
    if (survivor != null) {
      survivor.close();
    }
  }

  @Test
  void everyAcceptedEventIsRoutedOnceInKeyOrderWhileInstancesDie(Infrastructure infrastructure)
      throws Exception {
    String bootstrap = infrastructure.bootstrapServers();
    String signup = TestNames.eventType("failover-signup");
    String view = TestNames.eventType("failover-view");
    String mail = TestNames.topic("failover-mail");
    String audit = TestNames.topic("failover-audit");
    String appId = TestNames.group("router-failover");
    List<String> inputs = List.of("offload.events." + signup, "offload.events." + view);
    ItSupport.createTopics(bootstrap, inputs, 3);
    ItSupport.createTopics(bootstrap, List.of(Topics.work(mail), Topics.work(audit)), 3);
    String yaml = RouterLoad.config(bootstrap, appId, signup, view, mail, audit);

    // Signups go to both handlers, page views to the audit handler only.
    Ledger toMail = new Ledger();
    Ledger toAudit = new Ledger();
    survivor =
        StreamsRunner.start(
            new RouterTopology(),
            StreamsConfiguration.LOADER.parse(
                yaml.formatted("", dir.resolve("survivor"), 0), Map.of()));
    await().atMost(PATIENCE).until(() -> survivor.state() == KafkaStreams.State.RUNNING);

    try (RouterLoad load = new RouterLoad(bootstrap, inputs, signup, toMail, toAudit)) {
      int port = Ports.freePort();
      Process killed = startChild(yaml, "killed", port, null);
      await().atMost(PATIENCE).until(() -> childRouted(port) > 100 || !killed.isAlive());
      assertThat(killed.isAlive()).as("the child routed events and is still running").isTrue();
      killed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      log.info("child killed with SIGKILL after {} events acknowledged", toAudit.size());

      for (int crash = 1; crash <= 2; crash++) {
        Process halted = startChild(yaml, "halted-" + crash, Ports.freePort(), 150L);
        await().atMost(PATIENCE).until(() -> !halted.isAlive());
        assertThat(halted.exitValue())
            .as("child %d halted inside a transaction", crash)
            .isEqualTo(CrashBeforeCommitInterceptor.EXIT_CODE);
        log.info(
            "child {} halted inside a transaction after {} events acknowledged",
            crash,
            toAudit.size());
      }
      long sentAfter = load.acked();
      await().atMost(PATIENCE).until(() -> load.acked() > sentAfter + 200);
      load.stop();
    }

    await().atMost(PATIENCE).until(() -> Ledger.caughtUp(bootstrap, appId, inputs));
    Ledger.Report mails =
        toMail.judge(Ledger.readToEnd(bootstrap, List.of(Topics.work(mail)), PATIENCE));
    Ledger.Report audits =
        toAudit.judge(Ledger.readToEnd(bootstrap, List.of(Topics.work(audit)), PATIENCE));
    log.info("mail handler's work topic: {}", mails);
    log.info("audit handler's work topic: {}", audits);
    assertThat(mails.accepted()).as("signups acknowledged").isGreaterThan(300);
    assertThat(mails.clean()).as(mails.toString()).isTrue();
    assertThat(audits.clean()).as(audits.toString()).isTrue();
  }

  private Process startChild(String yaml, String name, int port, Long crashAfterSends)
      throws IOException {
    String extra =
        crashAfterSends == null
            ? ""
            : "producer.interceptor.classes: " + CrashBeforeCommitInterceptor.class.getName();
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, yaml.formatted(extra, dir.resolve(name), port));
    Process child =
        ChildInstance.start(
            config, dir.resolve(name + ".log"), RouterTopology.NAME, crashAfterSends);
    children.add(child);
    return child;
  }

  private static long childRouted(int port) {
    try {
      return ItSupport.get(port, "/metrics")
          .body()
          .lines()
          .filter(l -> l.startsWith("offload_streams_records_processed_total"))
          .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
          .sum();
    } catch (RuntimeException e) {
      return 0; // not listening yet
    }
  }
}
