package dev.offload.bench.internal.pipeline;

import dev.offload.bench.Figure;
import dev.offload.bench.internal.Latencies;
import dev.offload.bench.internal.Progress;
import dev.offload.bench.internal.RawBaselines;
import dev.offload.bench.internal.RawInsertLoad;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The raw operations the pipeline rests on, measured on the same servers after the steps:
 * single-row INSERT + commit (saturated, then at the reference rate, open loop), a plain acks=all
 * producer and a plain consumer.
 */
public final class PipelineBaselines {
  private static final int CONNECTIONS = 16;
  private static final String PAYLOAD = "{\"seq\":0,\"pad\":\"" + "x".repeat(180) + "\"}";

  private final String jdbcUrl;
  private final String user;
  private final String bootstrap;
  private final PrintStream out;

  /** Baselines on the database at {@code jdbcUrl} and the cluster at {@code bootstrap}. */
  public PipelineBaselines(String jdbcUrl, String user, String bootstrap, PrintStream out) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.bootstrap = bootstrap;
    this.out = out;
  }

  /**
   * Measures the baselines and returns them beside the pipeline's figures.
   *
   * @param events rows and records of each saturated baseline
   * @param rate the reference rate: the sustainable one, or the lowest step
   * @param seconds how long the raw INSERTs run at {@code rate}
   * @param sustainable the sustainable rate, 0 when no step was
   * @param at the pipeline's latencies at {@code rate}
   * @param topic a new topic for the raw producer and consumer
   */
  public List<Figure> measure(
      int events, int rate, double seconds, int sustainable, StageLatencies at, String topic)
      throws Exception {
    Latencies insertOpen = new Latencies();
    Latencies sendToAck = new Latencies();
    double inserts = perSecond(events, insertSaturated(events));
    insertAtRate(rate, seconds, insertOpen);
    RawTopic.create(bootstrap, topic);
    double produced = perSecond(events, produce(events, topic, sendToAck));
    double consumed =
        perSecond(
            events,
            RawBaselines.consume(bootstrap, topic, events, progress("raw consumer", events)));
    List<Figure> figures = new ArrayList<>();
    figures.add(rate(sustainable, "raw INSERT+commit rows/s", inserts));
    figures.add(rate(sustainable, "raw producer rec/s", produced));
    figures.add(rate(sustainable, "raw consumer rec/s", consumed));
    String atRate = String.format(" at %,d/s", rate);
    for (double p : new double[] {50, 99}) {
      String label = " p" + (int) p;
      figures.add(
          new Figure(
              "202" + label + atRate,
              "ms",
              StageLatencies.at(at.ack, p),
              "raw INSERT" + atRate + label,
              insertOpen.millisAt(p)));
      figures.add(
          new Figure(
              "202->on events" + label + atRate,
              "ms",
              StageLatencies.at(at.events, p),
              "producer send->ack" + label,
              sendToAck.millisAt(p)));
    }
    return figures;
  }

  private long insertSaturated(int events) throws Exception {
    return RawBaselines.insert(
        jdbcUrl,
        user,
        events,
        CONNECTIONS,
        PAYLOAD,
        new Latencies(),
        progress("raw INSERT + commit", events));
  }

  private void insertAtRate(int rate, double seconds, Latencies latencies) throws Exception {
    RawInsertLoad.openLoop(
        jdbcUrl,
        user,
        CONNECTIONS,
        rate,
        seconds,
        PAYLOAD,
        latencies,
        progress(String.format("raw INSERT at %,d/s", rate), (long) (rate * seconds)));
  }

  private long produce(int events, String topic, Latencies sendToAck) {
    return RawBaselines.produce(
        bootstrap,
        topic,
        events,
        1_000,
        PAYLOAD,
        sendToAck,
        progress("raw producer (acks=all)", events));
  }

  private static Figure rate(int sustainable, String baseline, double value) {
    return new Figure("sustainable rate", "events/s", sustainable, baseline, value);
  }

  private Progress progress(String phase, long total) {
    return new Progress(out, phase, total);
  }

  private static double perSecond(long count, long nanos) {
    return nanos <= 0 ? 0 : count / (nanos / 1e9);
  }
}
