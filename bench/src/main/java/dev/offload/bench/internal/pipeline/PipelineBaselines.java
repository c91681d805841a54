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
   */
  public List<Figure> measure(
      int events, int rate, double seconds, int sustainable, StageLatencies at, String topic)
      throws Exception {
    String payload = "{\"seq\":0,\"pad\":\"" + "x".repeat(180) + "\"}";
    Latencies insert = new Latencies();
    long insertNanos =
        RawBaselines.insert(
            jdbcUrl,
            user,
            events,
            CONNECTIONS,
            payload,
            insert,
            progress("raw INSERT + commit", events));
    Latencies insertOpen = new Latencies();
    RawInsertLoad.openLoop(
        jdbcUrl,
        user,
        CONNECTIONS,
        rate,
        seconds,
        payload,
        insertOpen,
        progress(String.format("raw INSERT at %,d/s", rate), (long) (rate * seconds)));
    Latencies sendToAck = new Latencies();
    long produceNanos =
        RawBaselines.produce(
            bootstrap,
            topic,
            events,
            1_000,
            payload,
            sendToAck,
            progress("raw producer (acks=all)", events));
    long consumeNanos =
        RawBaselines.consume(bootstrap, topic, events, progress("raw consumer", events));

    String atRate = String.format(" at %,d/s", rate);
    List<Figure> figures = new ArrayList<>();
    figures.add(
        new Figure(
            "sustainable rate",
            "events/s",
            sustainable,
            "raw INSERT+commit rows/s",
            perSecond(events, insertNanos)));
    figures.add(
        new Figure(
            "sustainable rate",
            "events/s",
            sustainable,
            "raw producer rec/s",
            perSecond(events, produceNanos)));
    figures.add(
        new Figure(
            "sustainable rate",
            "events/s",
            sustainable,
            "raw consumer rec/s",
            perSecond(events, consumeNanos)));
    for (double p : new double[] {50, 99}) {
      String label = "p" + (int) p;
      figures.add(
          new Figure(
              "202 " + label + atRate,
              "ms",
              StageLatencies.at(at.ack, p),
              "raw INSERT" + atRate + " " + label,
              insertOpen.millisAt(p)));
      figures.add(
          new Figure(
              "202->on events " + label + atRate,
              "ms",
              StageLatencies.at(at.events, p),
              "producer send->ack " + label,
              sendToAck.millisAt(p)));
    }
    return figures;
  }

  private Progress progress(String phase, long total) {
    return new Progress(out, phase, total);
  }

  private static double perSecond(long count, long nanos) {
    return nanos <= 0 ? 0 : count / (nanos / 1e9);
  }
}
