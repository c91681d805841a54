package dev.offload.streams.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.embedded.junit.Ledger;
import dev.offload.streams.ItSupport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Steady load on the router's two input topics, 20 events every 50 ms, alternating signups and page
 * views, each over its own keys; each event Kafka acknowledges goes into the ledgers of the
 * handlers it is routed to (signups to the mail handler and the audit handler, views to the audit
 * handler only).
 */
final class RouterLoad implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "it-router-load"));
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  RouterLoad(String bootstrap, List<String> inputs, String signup, Ledger toMail, Ledger toAudit) {
    this.producer = ItSupport.producer(bootstrap);
    scheduler.scheduleAtFixedRate(
        () -> {
          for (int i = 0; i < 20; i++) {
            long seq = sent.getAndIncrement();
            String topic = inputs.get((int) (seq % 2));
            String type = topic.substring("offload.events.".length());
            // Keys of one input topic only: the router keeps the order of one input partition.
            String key = (seq % 2 == 0 ? "s-" : "v-") + (seq % 31);
            String id = "event-" + seq;
            producer.send(
                ItSupport.event(topic, key, id, type, "shop"),
                (md, e) -> {
                  if (e != null) {
                    failed.incrementAndGet();
                    return;
                  }
                  if (type.equals(signup)) {
                    toMail.accepted(id, key);
                  }
                  toAudit.accepted(id, key);
                  acked.incrementAndGet();
                });
          }
        },
        0,
        50,
        TimeUnit.MILLISECONDS);
  }

  /**
   * The router's file for two input types, {@code signup} routed to the {@code mail} and {@code
   * audit} handlers and {@code view} to {@code audit}, under exactly-once with a 6 s session and a
   * 5 s transaction timeout, deduplication off (so only the transactions keep a dead instance's
   * records out). Three placeholders are left: a line of extra client properties, the state
   * directory and the HTTP port.
   */
  static String config(
      String bootstrap, String appId, String signup, String view, String mail, String audit) {
    return """
        kafka:
          bootstrap-servers: '%s'
          properties:
            consumer.session.timeout.ms: 6000
            consumer.heartbeat.interval.ms: 1500
            producer.transaction.timeout.ms: 5000
            %%s
        application-id: %s
        processing-guarantee: exactly-once-v2
        state-dir: '%%s'
        commit-interval: 100ms
        http: {port: %%d}
        topologies:
          router:
            input-pattern: 'offload\\.events\\.(%s|%s)'
            routes: {%s: [%s, %s], %s: [%s]}
            dedup-retention: 0
        """
        .formatted(bootstrap, appId, signup, view, signup, mail, audit, view, audit);
  }

  long acked() {
    return acked.get();
  }

  void stop() throws InterruptedException {
    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    producer.flush();
    assertThat(failed.get()).as("sends refused by the broker").isZero();
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    producer.close(Duration.ofSeconds(10));
  }
}
