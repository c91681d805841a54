package dev.offload.app;

import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The {@code --print-config} option of the roles that read a configuration file ({@code api},
 * {@code connector}, {@code streams run}, {@code worker}): print the effective configuration, the
 * file with the environment laid over it, as YAML with every secret masked, and exit.
 */
final class PrintConfigOption {
  @Option(
      names = "--print-config",
      description =
          "Print the effective configuration (the file, then the OFFLOAD_* environment) as YAML,"
              + " secrets masked, and exit.")
  boolean requested;

  /**
   * Prints {@code yaml} to the command's output when the option was given.
   *
   * @return whether it was given (the command then exits 0)
   */
  boolean printIfRequested(CommandSpec spec, Supplier<String> yaml) {
    if (!requested) {
      return false;
    }
    spec.commandLine().getOut().print(yaml.get());
    spec.commandLine().getOut().flush();
    return true;
  }
}
