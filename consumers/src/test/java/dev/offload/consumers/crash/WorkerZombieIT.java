package dev.offload.consumers.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.offload.consumers.handlers.analytics.PageAnalytics;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.Children;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.embedded.registry.RegistryServerConfig;
import dev.offload.embedded.registry.SchemaRegistryServer;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.awaitility.core.ThrowingRunnable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Two worker processes share the groups; one is frozen with SIGSTOP (a long GC pause, a stalled VM)
 * past its session timeout, so the other takes its partitions, then thawed with SIGCONT mid-stream:
 * the zombie is fenced off and rejoins, both drain the topics, and every mail is sent (a repeat
 * only for a send the freeze caught in flight) and every page view counted once. Each process has
 * an index directory of its own (Lucene allows one writer), so the index is not judged here; the
 * crash test does.
 */
@ExtendWith(SharedInfrastructure.class)
class WorkerZombieIT {
  private static final Duration SESSION = Duration.ofSeconds(6);
  private static final Duration FROZEN = Duration.ofSeconds(15);

  private final List<Process> children = new ArrayList<>();
  @TempDir Path dir;

  @BeforeEach
  void letTheSmtpServerSeeResetConnections() {
    Awaitility.doNotCatchUncaughtExceptionsByDefault();
  }

  @AfterEach
  void stopChildren() throws Exception {
    Awaitility.reset();
    for (Process p : children) {
      Children.signal("CONT", p);
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWorkerFrozenPastItsSessionIsFencedAndEveryEffectHappensOnce(Infrastructure infra)
      throws Exception {
    String bootstrap = infra.bootstrapServers();
    String jdbcUrl = infra.createDatabase(TestNames.database("zombie"));
    PGSimpleDataSource db = WorkerCrashIT.dataSource(infra, jdbcUrl);
    String prefix = TestNames.group("zombie");
    List<String> topics =
        List.of(
            TestNames.topic("zombie-email"),
            TestNames.topic("zombie-index"),
            TestNames.topic("zombie-analytics"));
    Workload work = new Workload(topics, 400, 100, 50, 600);
    GreenMail smtp = new GreenMail(new ServerSetup(Ports.freePort(), "127.0.0.1", "smtp"));
    smtp.start();
    try (SchemaRegistryServer registry =
        SchemaRegistryServer.start(
            RegistryServerConfig.builder(bootstrap)
                .port(Ports.freePort())
                .topic(TestNames.topic("zombie-schemas"))
                .build())) {
      work.createTopics(bootstrap);
      PageAnalytics analytics = PageAnalytics.open(db);
      Map<String, String> env = Map.of("SESSION_TIMEOUT_MS", Long.toString(SESSION.toMillis()));
      Process zombie =
          start(
              infra,
              registry.url(),
              jdbcUrl,
              smtp,
              dir.resolve("index-a"),
              prefix,
              topics,
              "a",
              env);
      Process survivor =
          start(
              infra,
              registry.url(),
              jdbcUrl,
              smtp,
              dir.resolve("index-b"),
              prefix,
              topics,
              "b",
              env);
      // Both processes hold email partitions before the first event: otherwise one of them can
      // drain the topic alone while the other is still joining, and there is nothing to freeze.
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(100))
          .failFast("a worker process exited", bothAlive(prefix, zombie, survivor))
          .until(
              () ->
                  holdsEmailPartitions(prefix, "a", topics.get(0))
                      && holdsEmailPartitions(prefix, "b", topics.get(0)));
      work.produce(bootstrap, new RegistryClient(RegistryClientConfig.of(registry.url())));
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(10))
          .failFast("a worker process exited", bothAlive(prefix, zombie, survivor))
          .until(() -> smtp.getReceivedMessages().length >= 60);

      Children.signal("STOP", zombie);
      int mailedAtFreeze = smtp.getReceivedMessages().length;
      Thread.sleep(FROZEN.toMillis());
      int mailedWhileFrozen = smtp.getReceivedMessages().length - mailedAtFreeze;
      Children.signal("CONT", zombie);
      System.out.printf(
          "frozen at %d of %d mails; %d more sent while frozen%n",
          mailedAtFreeze, work.signups, mailedWhileFrozen);
      assertThat(mailedAtFreeze).as("frozen mid-stream").isLessThan(work.signups);
      assertThat(mailedWhileFrozen)
          .as("the other process took over the frozen one's partitions")
          .isPositive();

      Workload.awaitCaughtUp(bootstrap, prefix + "-email", topics.get(0));
      Workload.awaitCaughtUp(bootstrap, prefix + "-index", topics.get(1));
      Workload.awaitCaughtUp(bootstrap, prefix + "-analytics", topics.get(2));
      assertThat(zombie.isAlive()).as("the thawed worker carries on").isTrue();
      assertThat(Files.readString(log(prefix, "a")))
          .as("the thawed worker learns it lost its partitions, and rejoins")
          .contains("Worker " + prefix + "-email lost [");
      zombie.destroy();
      survivor.destroy();
      assertThat(zombie.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(survivor.waitFor(60, TimeUnit.SECONDS)).isTrue();

      List<String> mailed = Workload.mailedIds(smtp);
      Set<String> distinct = new HashSet<>(mailed);
      System.out.printf(
          "mails: %d received, %d distinct event ids, %d signups%n",
          mailed.size(), distinct.size(), work.signups);
      assertThat(distinct).as("every signup mailed").isEqualTo(work.signupIds);
      assertThat(mailed.size() - distinct.size())
          .as("repeated mails (sends the freeze caught in flight)")
          .isLessThanOrEqualTo(HandlerTrio.EMAIL_THREADS);
      assertThat(Workload.counted(analytics))
          .as("each view counted once")
          .isEqualTo(work.viewsPerPath);
    } finally {
      smtp.stop();
    }
  }

  private static ThrowingRunnable bothAlive(String prefix, Process a, Process b) {
    ThrowingRunnable aAlive = Children.alive("worker a", a, log(prefix, "a"));
    ThrowingRunnable bAlive = Children.alive("worker b", b, log(prefix, "b"));
    return () -> {
      aAlive.run();
      bAlive.run();
    };
  }

  private static Path log(String prefix, String name) {
    return WorkerProcessMain.log(prefix, name);
  }

  /** Whether the process was assigned a partition of the email topic itself (not only retries). */
  private static boolean holdsEmailPartitions(String prefix, String name, String topic)
      throws Exception {
    Path log = log(prefix, name);
    return Files.exists(log)
        && Pattern.compile(
                "Worker "
                    + Pattern.quote(prefix + "-email")
                    + " assigned \\[[^\\]]*"
                    + Pattern.quote(topic)
                    + "-\\d")
            .matcher(Files.readString(log))
            .find();
  }

  private Process start(
      Infrastructure infra,
      String registryUrl,
      String jdbcUrl,
      GreenMail smtp,
      Path index,
      String prefix,
      List<String> topics,
      String name,
      Map<String, String> env)
      throws Exception {
    Process p =
        WorkerProcessMain.launch(
            infra,
            registryUrl,
            jdbcUrl,
            smtp.getSmtp().getPort(),
            index,
            prefix,
            topics,
            name,
            env);
    children.add(p);
    return p;
  }
}
