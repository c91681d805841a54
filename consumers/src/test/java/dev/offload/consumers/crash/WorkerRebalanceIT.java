package dev.offload.consumers.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.offload.consumers.handlers.analytics.PageAnalytics;
import dev.offload.consumers.handlers.index.SearchIndex;
import dev.offload.consumers.handlers.index.SearchIndexConfig;
import dev.offload.consumers.worker.Worker;
import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.Ports;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.embedded.registry.RegistryServerConfig;
import dev.offload.embedded.registry.SchemaRegistryServer;
import dev.offload.schemas.registry.RegistryClient;
import dev.offload.schemas.registry.RegistryClientConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A second member joins each handler's group under load and leaves again before the work is done:
 * partitions move twice, and still no event is skipped and no effect happens twice — one mail per
 * signup, every document at its last version, every view counted once.
 */
@ExtendWith(SharedInfrastructure.class)
class WorkerRebalanceIT {
  @TempDir Path dir;

  @Test
  void aMemberJoiningAndLeavingUnderLoadLeavesNoGapAndNoDuplicate(Infrastructure infra)
      throws Exception {
    String bootstrap = infra.bootstrapServers();
    PGSimpleDataSource db = new PGSimpleDataSource();
    db.setUrl(infra.createDatabase(TestNames.database("rebalance")));
    db.setUser(infra.postgresUser());
    db.setPassword(infra.postgresPassword());
    String prefix = TestNames.group("rebalance");
    List<String> topics =
        List.of(
            TestNames.topic("rebalance-email"),
            TestNames.topic("rebalance-index"),
            TestNames.topic("rebalance-analytics"));
    Workload work = new Workload(topics, 600, 400, 200, 800);
    GreenMail smtp = new GreenMail(new ServerSetup(Ports.freePort(), "127.0.0.1", "smtp"));
    smtp.start();
    try (SchemaRegistryServer registry =
            SchemaRegistryServer.start(
                RegistryServerConfig.builder(bootstrap)
                    .port(Ports.freePort())
                    .topic(TestNames.topic("rebalance-schemas"))
                    .build());
        SearchIndex index =
            SearchIndex.open(
                SearchIndexConfig.defaults(dir.resolve("index"))
                    .withCommitInterval(Duration.ofMillis(100)))) {
      RegistryClient schemas = new RegistryClient(RegistryClientConfig.of(registry.url()));
      work.createTopics(bootstrap);
      work.produce(bootstrap, schemas);
      PageAnalytics analytics = PageAnalytics.open(db);
      HandlerTrio trio =
          new HandlerTrio(
              bootstrap,
              prefix,
              topics,
              schemas,
              db,
              smtp.getSmtp().getPort(),
              Duration.ofMillis(10));

      List<Worker> first = trio.start(index);
      await().atMost(Duration.ofSeconds(120)).until(() -> smtp.getReceivedMessages().length >= 60);
      List<Worker> second = trio.start(index);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> membersOf(bootstrap, trio.group("email")) == 2);
      int mailedAtJoin = smtp.getReceivedMessages().length;
      await()
          .atMost(Duration.ofSeconds(120))
          .until(() -> smtp.getReceivedMessages().length >= mailedAtJoin + 100);
      second.forEach(Worker::close); // leaves: its partitions go back to the first member
      int mailedAtLeave = smtp.getReceivedMessages().length;
      System.out.printf(
          "joined at %d mails, left at %d of %d%n", mailedAtJoin, mailedAtLeave, work.signups);
      assertThat(mailedAtLeave).as("left under load").isLessThan(work.signups);

      Workload.awaitCaughtUp(bootstrap, trio.group("email"), topics.get(0));
      Workload.awaitCaughtUp(bootstrap, trio.group("index"), topics.get(1));
      Workload.awaitCaughtUp(bootstrap, trio.group("analytics"), topics.get(2));
      first.forEach(Worker::close);

      List<String> mailed = Workload.mailedIds(smtp);
      assertThat(new HashSet<>(mailed)).as("no gap").isEqualTo(work.signupIds);
      assertThat(mailed).as("no duplicate").hasSize(work.signups);
      assertThat(Workload.counted(analytics)).isEqualTo(work.viewsPerPath);
      assertThat(index.count()).isEqualTo(work.documents);
      assertThat(index.search("title:final", work.documents)).hasSize(work.updates);
      assertThat(index.search("title:draft", work.documents))
          .as("no update overtaken by an older version")
          .hasSize(work.documents - work.updates);
    } finally {
      smtp.stop();
    }
  }

  private static int membersOf(String bootstrap, String group) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      return admin
          .describeConsumerGroups(List.of(group))
          .describedGroups()
          .get(group)
          .get()
          .members()
          .size();
    }
  }
}
