package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code offload bench} runs as the README shows it, on a small load, and prints its table. */
class BenchCommandIT {

  @Test
  void printsEveryFigureBesideItsBaseline() {
    PrintStream originalOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      status =
          Offload.commandLine()
              .execute("bench", "--events", "200", "--warmup", "20", "--concurrency", "4");
    } finally {
      System.setOut(originalOut);
    }
    String table = out.toString(StandardCharsets.UTF_8);
    System.out.println(table);
    assertThat(status).isZero();
    assertThat(table)
        .contains("offload bench: 200 events")
        .contains("publish throughput (events/s)")
        .contains("INSERT+commit rows/s")
        .contains("raw producer rec/s")
        .contains("raw consumer rec/s")
        .contains("delivered to Kafka: 200 of 200 accepted events");
  }

  @Test
  void workersQuickPrintsThroughputAndStuckKeyLatencyBesideTheirBaselines() {
    PrintStream originalOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      status = Offload.commandLine().execute("bench", "workers", "--quick");
    } finally {
      System.setOut(originalOut);
    }
    String table = out.toString(StandardCharsets.UTF_8);
    System.out.println(table);
    assertThat(status).isZero();
    assertThat(table)
        .contains("offload bench workers: 3,000 records, 12 partitions")
        .contains("throughput, 20 ms I/O (rec/s)")
        .contains("plain consumer rec/s")
        .contains("12 plain consumers rec/s")
        .contains("other keys p99, one stuck 5 s (ms)")
        .contains("p99 without stuck key ms");
  }
}
