package dev.offload.bench;

import dev.offload.schemas.config.ConfigChecks.AtLeast;
import dev.offload.schemas.config.ConfigChecks.Positive;
import java.time.Duration;
import java.util.List;

/**
 * Settings of {@code offload bench pipeline}. The benchmark that runs it checks it ({@link
 * dev.offload.schemas.config.ConfigChecks#check}), naming the field that is wrong ({@code
 * payload-bytes must be at least 10}).
 *
 * @param rates the offered rates, events per second, one step each, in increasing order; default
 *     50, 100, 250, 500, 1,000, 2,000, 3,000, 4,000, 6,000, 8,000
 * @param stepSeconds how long each step offers its rate; default 20
 * @param warmupSeconds how long the lowest rate is offered, unmeasured, before the steps, whose
 *     effects are awaited too: every path then runs compiled code and every topic and group exists
 *     when the measured steps begin; 0 for none; default 20
 * @param mix the share of each event type; default {@link PipelineMix#defaults()}
 * @param keys distinct user ids the page views are spread over; default 3,000
 * @param baselineEvents rows and records of each raw baseline (INSERT + commit, producer,
 *     consumer); default 20,000
 * @param drainTimeout how long to wait, after the last step, for every accepted event's effect;
 *     default 5 minutes
 */
public record PipelineConfig(
    List<Integer> rates,
    @AtLeast(1) double stepSeconds,
    @AtLeast(0) double warmupSeconds,
    PipelineMix mix,
    @AtLeast(1) int keys,
    @AtLeast(1) int baselineEvents,
    @Positive Duration drainTimeout) {

  /** Validates the rates: at least one, each at least 1, in increasing order. */
  public PipelineConfig {
    if (rates == null || rates.isEmpty()) {
      throw new IllegalArgumentException("rates must name at least one rate");
    }
    rates = List.copyOf(rates);
    for (int i = 0; i < rates.size(); i++) {
      if (rates.get(i) < 1 || (i > 0 && rates.get(i) <= rates.get(i - 1))) {
        throw new IllegalArgumentException("rates must be at least 1 and increase, was " + rates);
      }
    }
  }

  /** The default rates. */
  public static final List<Integer> DEFAULT_RATES =
      List.of(50, 100, 250, 500, 1_000, 2_000, 3_000, 4_000, 6_000, 8_000);

  /** The defaults. */
  public static PipelineConfig defaults() {
    return new PipelineConfig(
        DEFAULT_RATES, 20, 20, PipelineMix.defaults(), 3_000, 20_000, Duration.ofMinutes(5));
  }

  /** A short run that checks it works: 5 s of warm-up, two low steps of 4 s, small baselines. */
  public static PipelineConfig quick(PipelineMix mix) {
    return new PipelineConfig(List.of(100, 200), 4, 5, mix, 3_000, 2_000, Duration.ofMinutes(2));
  }

  /** The highest offered rate. */
  public int maxRate() {
    return rates.get(rates.size() - 1);
  }
}
