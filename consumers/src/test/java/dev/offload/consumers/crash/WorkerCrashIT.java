package dev.offload.consumers.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.offload.consumers.handlers.analytics.PageAnalytics;
import dev.offload.consumers.handlers.index.SearchHit;
import dev.offload.consumers.handlers.index.SearchIndex;
import dev.offload.consumers.handlers.index.SearchIndexConfig;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.Children;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.embedded.registry.RegistryServerConfig;
import dev.offload.embedded.registry.SchemaRegistryServer;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A worker process killed with SIGKILL mid-batch and started again: every event's effect happens
 * once — one mail per signup (by event id), the last version of every document indexed, every page
 * view counted once — although the new process gets records the dead one had already handled.
 */
@ExtendWith(SharedInfrastructure.class)
class WorkerCrashIT {
  private final List<Process> children = new ArrayList<>();
  @TempDir Path dir;

  @BeforeEach
  void letTheSmtpServerSeeResetConnections() {
    // The kill resets the dead process's SMTP connections, and GreenMail's connection threads end
    // with an uncaught exception; that is the crash under test, not a failure of the awaited state.
    Awaitility.doNotCatchUncaughtExceptionsByDefault();
  }

  @AfterEach
  void stopChildren() throws InterruptedException {
    Awaitility.reset();
    for (Process p : children) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWorkerKilledMidBatchAndRestartedHasEveryEffectExactlyOnce(Infrastructure infra)
      throws Exception {
    String bootstrap = infra.bootstrapServers();
    String jdbcUrl = infra.createDatabase(TestNames.database("crash"));
    PGSimpleDataSource db = dataSource(infra, jdbcUrl);
    String prefix = TestNames.group("crash");
    List<String> topics =
        List.of(
            TestNames.topic("crash-email"),
            TestNames.topic("crash-index"),
            TestNames.topic("crash-analytics"));
    Workload work = new Workload(topics, 400, 300, 100, 600);
    GreenMail smtp = new GreenMail(new ServerSetup(Ports.freePort(), "127.0.0.1", "smtp"));
    smtp.start();
    try (SchemaRegistryServer registry =
        SchemaRegistryServer.start(
            RegistryServerConfig.builder(bootstrap)
                .port(Ports.freePort())
                .topic(TestNames.topic("crash-schemas"))
                .build())) {
      work.createTopics(bootstrap);
      work.produce(bootstrap, new RegistryClient(RegistryClientConfig.of(registry.url())));
      PageAnalytics analytics = PageAnalytics.open(db);
      Path index = dir.resolve("index");

      Process first = child(infra, registry.url(), jdbcUrl, smtp, index, prefix, topics, "first");
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(10))
          .failFast(
              "the worker process exited",
              Children.alive("the worker", first, WorkerProcessMain.log(prefix, "first")))
          .until(() -> smtp.getReceivedMessages().length >= 60);
      first.destroyForcibly(); // SIGKILL: no shutdown hook, no commit, no clean leave
      assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
      int mailedAtKill = smtp.getReceivedMessages().length;
      long countedAtKill = total(Workload.counted(analytics));
      System.out.printf(
          "killed mid-batch: %d of %d mails, %d of %d views%n",
          mailedAtKill, work.signups, countedAtKill, work.views);
      assertThat(mailedAtKill).as("killed mid-batch").isLessThan(work.signups);

      Process second = child(infra, registry.url(), jdbcUrl, smtp, index, prefix, topics, "second");
      Workload.awaitCaughtUp(bootstrap, prefix + "-email", topics.get(0));
      Workload.awaitCaughtUp(bootstrap, prefix + "-index", topics.get(1));
      Workload.awaitCaughtUp(bootstrap, prefix + "-analytics", topics.get(2));
      second.destroy(); // SIGTERM: a clean stop closes the index
      assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();

      List<String> mailed = Workload.mailedIds(smtp);
      Set<String> distinct = new HashSet<>(mailed);
      System.out.printf(
          "mails: %d received, %d distinct event ids, %d signups%n",
          mailed.size(), distinct.size(), work.signups);
      assertThat(distinct).as("every signup mailed").isEqualTo(work.signupIds);
      // SMTP cannot take a mail back: only a send the kill caught between the server's accept and
      // the mark's commit can repeat, so at most one per sending thread, never more.
      assertThat(mailed.size() - distinct.size())
          .as("repeated mails (sends in flight at the kill)")
          .isLessThanOrEqualTo(HandlerTrio.EMAIL_THREADS);
      assertThat(Workload.counted(analytics))
          .as("each view counted once, duplicates and redeliveries included")
          .isEqualTo(work.viewsPerPath);
      try (SearchIndex reopened = SearchIndex.open(SearchIndexConfig.defaults(index))) {
        assertThat(reopened.count()).isEqualTo(work.documents);
        List<SearchHit> finals = reopened.search("title:final", work.documents);
        assertThat(finals).as("the last version of each updated document").hasSize(work.updates);
      }
    } finally {
      smtp.stop();
    }
  }

  private Process child(
      Infrastructure infra,
      String registryUrl,
      String jdbcUrl,
      GreenMail smtp,
      Path index,
      String prefix,
      List<String> topics,
      String name)
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
            // A 6 s session: the restarted worker is given the killed one's partitions once the
            // broker has given up on it, 6 s instead of the default 45 s later.
            java.util.Map.of("SESSION_TIMEOUT_MS", "6000"));
    children.add(p);
    return p;
  }

  static PGSimpleDataSource dataSource(Infrastructure infra, String url) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url);
    ds.setUser(infra.postgresUser());
    ds.setPassword(infra.postgresPassword());
    return ds;
  }

  static long total(java.util.Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
