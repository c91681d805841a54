package dev.offload.embedded.junit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.awaitility.core.ThrowingRunnable;

/**
 * Child processes of a test: a check for Awaitility's {@code failFast} that, when a child has
 * exited, fails with its exit code and the end of its log, so that a failed run says why the child
 * died instead of only that it did.
 */
public final class Children {
  private static final int TAIL_LINES = 40;

  private Children() {}

  /** Fails when {@code process}, whose output is in {@code log}, is no longer running. */
  public static ThrowingRunnable alive(String name, Process process, Path log) {
    return () -> {
      if (!process.isAlive()) {
        throw new AssertionError(
            name
                + " exited with "
                + process.exitValue()
                + "; the end of "
                + log
                + ":\n"
                + tail(log));
      }
    };
  }

  /** Sends {@code signal} ({@code STOP}, {@code CONT}, …) to {@code process} if it still runs. */
  public static void signal(String signal, Process process)
      throws IOException, InterruptedException {
    if (process.isAlive()) {
      new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
          .inheritIO()
          .start()
          .waitFor();
    }
  }

  /** The last lines of {@code log}, or why it cannot be read. */
  public static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }
}
