package dev.offload.streams.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a topology back until each of its pattern subscriptions matches a topic. Kafka Streams
 * cannot size the internal repartition topics of a pattern that matches nothing and fails the
 * rebalance, which on a fresh cluster (no {@code offload.events.*} topic yet) would kill stream
 * threads in a loop.
 */
public final class InputTopicWait implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InputTopicWait.class);

  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "offload-streams-input-wait");
            t.setDaemon(true);
            return t;
          });
  private final Admin admin;
  private final List<Pattern> patterns;
  private volatile boolean waiting = true;

  private InputTopicWait(Admin admin, List<Pattern> patterns) {
    this.admin = admin;
    this.patterns = patterns;
  }

  /** The pattern subscriptions of {@code topology}. */
  public static List<Pattern> patternsOf(Topology topology) {
    return topology.describe().subtopologies().stream()
        .flatMap(s -> s.nodes().stream())
        .filter(n -> n instanceof TopologyDescription.Source)
        .map(n -> ((TopologyDescription.Source) n).topicPattern())
        .filter(p -> p != null)
        .toList();
  }

  /**
   * Runs {@code start} once every pattern of {@code topology} matches a topic: now if they already
   * do, else from a background check every second.
   */
  public static InputTopicWait thenStart(
      Map<String, Object> adminProperties, Topology topology, Runnable start) {
    List<Pattern> patterns = patternsOf(topology);
    Admin admin = Admin.create(adminProperties);
    InputTopicWait wait = new InputTopicWait(admin, patterns);
    if (wait.allMatch(true)) {
      wait.done(start);
    } else {
      log.info("Waiting for topics matching {} before starting", patterns);
      wait.scheduler.scheduleWithFixedDelay(
          () -> {
            if (wait.waiting && wait.allMatch(false)) {
              wait.done(start);
            }
          },
          1,
          1,
          TimeUnit.SECONDS);
    }
    return wait;
  }

  private void done(Runnable start) {
    waiting = false;
    scheduler.shutdown();
    admin.close();
    start.run();
  }

  private boolean allMatch(boolean first) {
    if (patterns.isEmpty()) {
      return true;
    }
    try {
      Set<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      return patterns.stream().allMatch(p -> topics.stream().anyMatch(t -> p.matcher(t).matches()));
    } catch (ExecutionException | TimeoutException e) {
      if (first) {
        log.warn("Cannot list topics yet ({}); retrying", e.toString());
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Whether the topology is still held back. */
  public boolean isWaiting() {
    return waiting;
  }

  /** Stops waiting without starting. */
  @Override
  public void close() {
    if (waiting) {
      waiting = false;
      scheduler.shutdownNow();
      admin.close();
    }
  }
}
