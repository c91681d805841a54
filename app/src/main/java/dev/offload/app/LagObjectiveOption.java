package dev.offload.app;

import dev.offload.ops.lag.LagObjectives;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Reads the values of a repeatable {@code --objective} option into {@link LagObjectives}: {@code
 * 60s} sets the objective of every group, {@code GROUP=30s} that of one group; a later value wins.
 */
final class LagObjectiveOption {
  /** The option's description, shared by the commands that take it. */
  static final String DESCRIPTION =
      "Lag objective: above it in seconds of lag a group is WARN, and ERR while its lag keeps"
          + " growing. DURATION for every group (default: 60s), GROUP=DURATION for one;"
          + " repeat, e.g. --objective 2m --objective offload-worker-analytics=30s.";

  private LagObjectiveOption() {}

  /** The objectives {@code values} give, or the defaults for an empty list. */
  static LagObjectives parse(List<String> values, CommandLine command) {
    DurationConverter durations = new DurationConverter();
    LagObjectives objectives = LagObjectives.defaults();
    for (String value : values) {
      int eq = value.lastIndexOf('=');
      try {
        if (eq < 0) {
          objectives = objectives.withFallback(durations.convert(value));
        } else {
          String group = value.substring(0, eq).trim();
          objectives = objectives.withGroup(group, durations.convert(value.substring(eq + 1)));
        }
      } catch (CommandLine.TypeConversionException | IllegalArgumentException e) {
        throw new ParameterException(command, "--objective '" + value + "': " + e.getMessage(), e);
      }
    }
    return objectives;
  }
}
