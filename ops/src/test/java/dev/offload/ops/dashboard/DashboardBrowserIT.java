package dev.offload.ops.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.ops.KafkaFixtures;
import dev.offload.ops.dashboard.DashboardFixtures.DeadLetter;
import dev.offload.ops.lag.LagMonitorConfig;
import dev.offload.ops.lag.LagObjectives;
import dev.offload.runtime.tracing.Tracing;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard in a real browser: Debian's headless Chromium driven by Selenium through the
 * system's chromedriver (both installed by {@code .ci/run}). Skipped only when {@code
 * /usr/bin/chromium} is absent; a missing chromedriver beside it fails the test.
 */
@ExtendWith(SharedInfrastructure.class)
class DashboardBrowserIT {
  private static final Logger log = LoggerFactory.getLogger(DashboardBrowserIT.class);
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path SCREENSHOT = Path.of("target", "dashboard.png");
  private static final Path BACKLOG_SCREENSHOT = Path.of("target", "dashboard-backlog.png");
  private static final int PARTITIONS = 3;
  private static final int PER_PARTITION = 100;
  private static final int BACKLOG = PARTITIONS * PER_PARTITION;
  private static final Duration AGE = Duration.ofMinutes(10);

  @TempDir Path profile;

  @Test
  void lagOfAGroupWithABacklogAppearsAndFallsAsAConsumerDrainsIt(Infrastructure infra)
      throws Exception {
    assumeTrue(
        Files.exists(CHROMIUM),
        "skipped: /usr/bin/chromium is absent; install it with"
            + " `apt-get install chromium chromium-driver` (.ci/run does) to run the browser test");
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = TestNames.topic("orders");
    String backlogGroup = TestNames.group("email-worker");
    String caughtUpGroup = TestNames.group("index-worker");
    DashboardFixtures.backlog(kafka, topic, backlogGroup, PARTITIONS, PER_PARTITION, AGE);
    try (var consumer = kafka.joinedConsumer(caughtUpGroup, topic, PARTITIONS)) {
      KafkaFixtures.commit(consumer, topic, PER_PARTITION, PER_PARTITION, PER_PARTITION);
    }
    publishDeadLetters(infra, backlogGroup, topic);

    AtomicBoolean draining = new AtomicBoolean();
    Map<String, BooleanSupplier> roles = new LinkedHashMap<>();
    roles.put("kafka", () -> true);
    roles.put("email-worker", draining::get);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registerConnectorMeters(registry);
    // One-second polls and a two-minute history, so the charts show the fall within the test.
    OpsServerConfig config =
        OpsServerConfig.builder(infra.bootstrapServers())
            .port(0)
            .lag(
                LagMonitorConfig.builder(infra.bootstrapServers())
                    .interval(Duration.ofSeconds(1))
                    .groups(Set.of(backlogGroup, caughtUpGroup))
                    // Above the backlog's age, so the group nobody consumes stays STOP.
                    .objectives(LagObjectives.everyGroup(Duration.ofHours(1)))
                    .build())
            .history(Duration.ofMinutes(2))
            .build();

    try (OpsServer ops = OpsServer.start(config, registry, roles);
        Browser browser = Browser.open(profile)) {
      WebDriver driver = browser.driver();
      driver.get(ops.dashboardUrl());
      assertThat(driver.getTitle()).isEqualTo("Offload operations");
      // A group here has consumed records: the hint that asks whether nothing flows yet goes.
      onPage("no hint once records were consumed", () -> hintShown(driver), false);
      long shown = onPage("the backlog", () -> lagOnPage(driver, backlogGroup), (long) BACKLOG);
      List<Long> seen = new ArrayList<>(List.of(shown));
      assertThat(statusOnPage(driver, backlogGroup)).isEqualTo("STOP");
      assertThat(lagSecondsOnPage(driver, backlogGroup))
          .isBetween((double) AGE.toSeconds(), AGE.toSeconds() + 300.0);
      assertThat(lagOnPage(driver, caughtUpGroup)).isZero();
      assertThat(statusOnPage(driver, caughtUpGroup)).isEqualTo("OK");
      onPage(
          "no time to drain while nobody consumes",
          () -> drainOnPage(driver, backlogGroup),
          "NEVER");
      assertThat(((JavascriptExecutor) driver).executeScript("return typeof uPlot"))
          .isEqualTo("function");
      assertAxisLabelsAreDistinct(driver, "the backlog");
      Files.createDirectories(SCREENSHOT.getParent());
      Files.write(BACKLOG_SCREENSHOT, browser.screenshot());

      draining.set(true);
      try (KafkaConsumer<String, String> worker = drainer(infra, backlogGroup, topic)) {
        long consumed = 0;
        while (consumed < BACKLOG) {
          consumed += consumeOneBatch(worker);
          long remaining = BACKLOG - consumed;
          seen.add(onPage("lag " + remaining, () -> lagOnPage(driver, backlogGroup), remaining));
        }
        onPage("status OK once drained", () -> statusOnPage(driver, backlogGroup), "OK");
        assertThat(drainOnPage(driver, backlogGroup)).isEqualTo("DRAINED");
        // Let the charts draw a few more points at zero before the screenshot.
        onPage("history of the drain", () -> chartPoints(driver) >= seen.size() + 3L, true);
        Files.write(SCREENSHOT, browser.screenshot());
      }
      log.info("Lag of {} seen on the page while it drained: {}", backlogGroup, seen);
      assertThat(seen.get(0)).isEqualTo(BACKLOG);
      assertThat(seen).isSortedAccordingTo((a, b) -> Long.compare(b, a)).endsWith(0L);
      assertThat(seen.size()).isGreaterThan(2);
      assertThat(driver.findElement(By.id("dlq-newest")).getText())
          .contains("dev.example.SmtpDown");
      assertThat(driver.getPageSource()).doesNotContain("payload-never-shown");
      assertThat(driver.findElement(By.cssSelector("[data-role='email-worker']")).getText())
          .isEqualTo("email-worker UP");
      assertThat(
              driver.findElements(By.cssSelector("#roles .role")).stream()
                  .map(WebElement::getText)
                  .toList())
          .as("each badge names its role")
          .containsExactlyInAnyOrder("kafka UP", "email-worker UP");
      assertThat(
              driver
                  .findElement(By.cssSelector("tr[data-connector='offload-outbox'] td.slot"))
                  .getText())
          .as("the connector's slot warning")
          .isEqualTo(
              "WARN slot offload_outbox holds back 2.0 GiB of WAL: PostgreSQL's disk fills while"
                  + " capture lags");
    }
    assertThat(SCREENSHOT).isNotEmptyFile();
  }

  /**
   * The journey page, on the spans the server keeps: an event's stages as a waterfall, in the order
   * they started, its failed attempt red with its dead letter marked, and the slowest events listed
   * with a link to each.
   */
  @Test
  void theJourneyPageDrawsAnEventsStagesAsAWaterfall(Infrastructure infra) throws Exception {
    assumeTrue(Files.exists(CHROMIUM), "skipped: /usr/bin/chromium is absent");
    String eventId = "3c082f14-296f-4bb2-b81a-198bd13450ad";
    OpsServerConfig config =
        OpsServerConfig.builder(infra.bootstrapServers())
            .port(0)
            .lag(
                LagMonitorConfig.builder(infra.bootstrapServers())
                    .groups(Set.of(TestNames.group("journey")))
                    .build())
            .build();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Tracing tracing = Tracing.keepingRecent("test", 100);
        OpsServer ops = OpsServer.start(config, registry, Map.of(), tracing);
        Browser browser = Browser.open(profile)) {
      recordJourney(tracing, eventId);
      WebDriver driver = browser.driver();
      driver.get(ops.dashboardUrl().replace("/dashboard", "/journey") + "?event-id=" + eventId);
      assertThat(driver.getTitle()).isEqualTo("Offload journeys");
      List<String> stages =
          onPage(
              "the waterfall",
              () -> {
                List<String> rows =
                    driver.findElements(By.cssSelector("#waterfall tbody tr")).stream()
                        .map(r -> r.getAttribute("data-span"))
                        .toList();
                return rows.size() == 4 ? rows : null;
              });
      assertThat(stages)
          .containsExactly(
              "POST /v1/events/{type}", "outbox write", "email queue", "email process");
      assertThat(driver.findElements(By.cssSelector("#waterfall .bar"))).hasSize(4);
      assertThat(driver.findElements(By.cssSelector("#waterfall .bar.failed"))).hasSize(1);
      WebElement failed = driver.findElement(By.cssSelector("tr[data-span='email process']"));
      assertThat(failed.getText())
          .contains("offload.work.email[2]@17")
          .contains("failed: invalid recipient address")
          .contains("! dead-lettered (offload.reason=FATAL)");
      // The bars start where their stages did: the worker's long after the API's.
      double apiLeft = left(driver, "POST /v1/events/{type}");
      double workerLeft = left(driver, "email process");
      assertThat(apiLeft).isZero();
      assertThat(workerLeft).isGreaterThan(50.0);
      WebElement link =
          onPage(
              "the slowest events",
              () -> driver.findElement(By.cssSelector("#slowest a[data-event='" + eventId + "']")));
      assertThat(link.getText()).isEqualTo(eventId);

      driver.get(ops.dashboardUrl().replace("/dashboard", "/journey") + "?event-id=unknown");
      onPage(
          "the answer for an unknown event",
          () -> driver.findElement(By.id("journey-error")).getText().contains("no span of event"),
          true);
    }
  }

  /** The spans of an event whose mail was refused: the API's, then the email worker's. */
  private static void recordJourney(Tracing tracing, String eventId) {
    var tracer = tracing.tracer("test");
    long t0 = System.currentTimeMillis() * 1_000_000L;
    io.opentelemetry.api.trace.Span request =
        tracer
            .spanBuilder("POST /v1/events/{type}")
            .setStartTimestamp(t0, java.util.concurrent.TimeUnit.NANOSECONDS)
            .setAttribute(Tracing.EVENT_ID, eventId)
            .setAttribute("http.response.status_code", 202L)
            .startSpan();
    io.opentelemetry.context.Context parent = io.opentelemetry.context.Context.root().with(request);
    tracer
        .spanBuilder("outbox write")
        .setParent(parent)
        .setStartTimestamp(t0 + 2_000_000, java.util.concurrent.TimeUnit.NANOSECONDS)
        .startSpan()
        .end(t0 + 9_000_000, java.util.concurrent.TimeUnit.NANOSECONDS);
    request.end(t0 + 10_000_000, java.util.concurrent.TimeUnit.NANOSECONDS);
    tracer
        .spanBuilder("email queue")
        .setParent(parent)
        .setAttribute(Tracing.EVENT_ID, eventId)
        .setStartTimestamp(t0 + 80_000_000, java.util.concurrent.TimeUnit.NANOSECONDS)
        .startSpan()
        .end(t0 + 85_000_000, java.util.concurrent.TimeUnit.NANOSECONDS);
    io.opentelemetry.api.trace.Span process =
        tracer
            .spanBuilder("email process")
            .setParent(parent)
            .setAttribute(Tracing.EVENT_ID, eventId)
            .setAttribute("messaging.destination.name", "offload.work.email")
            .setAttribute("messaging.destination.partition.id", "2")
            .setAttribute("messaging.kafka.message.offset", 17L)
            .setAttribute("offload.attempt", 1L)
            .setStartTimestamp(t0 + 85_000_000, java.util.concurrent.TimeUnit.NANOSECONDS)
            .startSpan();
    process.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, "invalid recipient address");
    process.addEvent(
        "dead-lettered",
        io.opentelemetry.api.common.Attributes.of(
            io.opentelemetry.api.common.AttributeKey.stringKey("offload.reason"), "FATAL"),
        t0 + 99_000_000,
        java.util.concurrent.TimeUnit.NANOSECONDS);
    process.end(t0 + 100_000_000, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Where a stage's bar starts, in percent of the journey. */
  private static double left(WebDriver driver, String stage) {
    String style =
        driver
            .findElement(By.cssSelector("tr[data-span='" + stage + "'] .bar"))
            .getAttribute("style");
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("left:\\s*([0-9.]+)%").matcher(style);
    assertThat(m.find()).as(style).isTrue();
    return Double.parseDouble(m.group(1));
  }

  /**
   * An idle, drained stack: every lag 0 (a group that consumed everything). The record axis reads
   * whole, distinct counts (0 and 1) and the seconds axis distinct times, not "1, 1, 0" from
   * rounding fractional ticks.
   */
  @Test
  void anIdleStacksAxesReadWholeDistinctNumbers(Infrastructure infra) throws Exception {
    assumeTrue(Files.exists(CHROMIUM), "skipped: /usr/bin/chromium is absent");
    KafkaFixtures kafka = new KafkaFixtures(infra.bootstrapServers());
    String topic = TestNames.topic("idle");
    String group = TestNames.group("idle-worker");
    kafka.createTopic(topic, 1);
    try (var consumer = kafka.joinedConsumer(group, topic, 1)) {
      KafkaFixtures.commit(consumer, topic, new long[1]);
    }
    OpsServerConfig config =
        OpsServerConfig.builder(infra.bootstrapServers())
            .port(0)
            .lag(
                LagMonitorConfig.builder(infra.bootstrapServers())
                    .interval(Duration.ofSeconds(1))
                    .groups(Set.of(group))
                    .build())
            .build();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (OpsServer ops = OpsServer.start(config, registry, Map.of("api", () -> true));
        Browser browser = Browser.open(profile)) {
      WebDriver driver = browser.driver();
      driver.get(ops.dashboardUrl());
      onPage("the idle group", () -> lagOnPage(driver, group), 0L);
      onPage("lag history", () -> chartPoints(driver) >= 2, true);
      List<String> records = assertAxisLabelsAreDistinct(driver, "an idle stack");
      assertThat(records).as("an idle stack's record axis").containsExactly("0", "1");
      assertThat(driver.findElement(By.cssSelector("[data-role='api']")).getText())
          .isEqualTo("api UP");
      // Nothing flows here: the hint stays until dismissed, and a dismissal is remembered.
      WebElement hint = assertFirstVisitHint(driver);
      driver.findElement(By.id("hint-dismiss")).click();
      assertThat(hint.isDisplayed()).isFalse();
      driver.navigate().refresh();
      onPage("the roles after a reload", () -> rolesOnPage(driver), 1L);
      assertThat(driver.findElement(By.id("hint")).isDisplayed())
          .as("a dismissed hint stays dismissed")
          .isFalse();
    }
  }

  private static boolean hintShown(WebDriver driver) {
    return driver.findElement(By.id("hint")).isDisplayed();
  }

  /** The hint of a first visit, shown while nothing flows, names the README's curl and the demo. */
  private static WebElement assertFirstVisitHint(WebDriver driver) {
    WebElement hint = driver.findElement(By.id("hint"));
    onPage("the first-visit hint", hint::isDisplayed, true);
    assertThat(hint.getText())
        .contains("curl -i -X POST http://127.0.0.1:8080/v1/events/user-signed-up")
        .contains("./offload dev --demo");
    return hint;
  }

  /**
   * The y-axis labels drawn on both lag charts: distinct; whole numbers for records; for seconds a
   * number with a unit (ms, s, min, h, d). Returns the record axis's labels.
   */
  private static List<String> assertAxisLabelsAreDistinct(WebDriver driver, String when) {
    List<String> records = onPage("record axis labels", () -> axisLabels(driver, "chart-records"));
    List<String> seconds = onPage("seconds axis labels", () -> axisLabels(driver, "chart-seconds"));
    log.info("Axis labels with {}: records {}, seconds {}", when, records, seconds);
    assertThat(records)
        .as("record axis with " + when)
        .doesNotHaveDuplicates()
        .hasSizeGreaterThan(1);
    assertThat(records).allMatch(l -> l.matches("\\d{1,3}(,\\d{3})*"), "whole numbers");
    assertThat(seconds)
        .as("seconds axis with " + when)
        .doesNotHaveDuplicates()
        .hasSizeGreaterThan(1);
    assertThat(seconds)
        .allMatch(
            l -> l.matches("0|\\d+ ms|\\d+(\\.\\d+)? s|\\d+ (min|h|d)( \\d+ (h|min|s))?"),
            "a number and a unit");
    return records;
  }

  @SuppressWarnings("unchecked")
  private static List<String> axisLabels(WebDriver driver, String chart) {
    Object labels =
        ((JavascriptExecutor) driver)
            .executeScript(
                "const l = document.getElementById(arguments[0]).dataset.yLabels;"
                    + " return l ? JSON.parse(l) : null;",
                chart);
    return (List<String>) labels;
  }

  private static long rolesOnPage(WebDriver driver) {
    return driver.findElements(By.cssSelector("#roles .role")).size();
  }

  /** Waits until {@code read} answers something, and returns it. */
  private static <T> T onPage(String what, Callable<T> read) {
    return await(what + " on the page")
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(read, v -> v != null);
  }

  /** A consumer of the backlog group that takes at most 75 records per poll. */
  private static KafkaConsumer<String, String> drainer(
      Infrastructure infra, String group, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, group + "-drainer");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "75");
    var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  /** Polls until some records come, commits past them, and returns how many. */
  private static int consumeOneBatch(KafkaConsumer<String, String> consumer) {
    int[] count = new int[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInSameThread()
        .until(
            () -> {
              count[0] = consumer.poll(Duration.ofMillis(200)).count();
              return count[0] > 0;
            });
    consumer.commitSync();
    return count[0];
  }

  /** Waits until the page shows {@code expected}, and returns it. */
  private static <T> T onPage(String what, Callable<T> read, T expected) {
    return await(what + " on the page")
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(read, v -> v != null && v.equals(expected));
  }

  private static WebElement row(WebDriver driver, String group) {
    return driver.findElement(By.cssSelector("tr[data-group='" + group + "']"));
  }

  private static long lagOnPage(WebDriver driver, String group) {
    return Long.parseLong(
        row(driver, group)
            .findElement(By.cssSelector("td.lag-records"))
            .getDomAttribute("data-value"));
  }

  private static double lagSecondsOnPage(WebDriver driver, String group) {
    return Double.parseDouble(
        row(driver, group)
            .findElement(By.cssSelector("td.lag-seconds"))
            .getDomAttribute("data-value"));
  }

  private static String drainOnPage(WebDriver driver, String group) {
    return row(driver, group)
        .findElement(By.cssSelector("td.time-to-drain"))
        .getDomAttribute("data-drain");
  }

  private static String statusOnPage(WebDriver driver, String group) {
    return row(driver, group).getDomAttribute("data-status");
  }

  private static long chartPoints(WebDriver driver) {
    String points = driver.findElement(By.id("chart-records")).getDomAttribute("data-points");
    return points == null ? 0 : Long.parseLong(points);
  }

  private static void publishDeadLetters(Infrastructure infra, String group, String topic)
      throws Exception {
    String dlq = "offload.dlq." + group;
    new KafkaFixtures(infra.bootstrapServers()).createTopic(dlq, 1);
    Instant now = Instant.now();
    DashboardFixtures.publishDeadLetters(
        infra.bootstrapServers(),
        dlq,
        List.of(
            new DeadLetter(
                "payload-never-shown-1",
                "org.apache.avro.AvroTypeException",
                topic,
                now.minusSeconds(90)),
            new DeadLetter("payload-never-shown-2", "dev.example.SmtpDown", topic, now)));
  }

  /** The meters the outbox connector registers in the shared registry of {@code offload dev}. */
  private static void registerConnectorMeters(PrometheusMeterRegistry registry) {
    Gauge.builder("offload.connector.running", () -> 1)
        .tag("connector", "offload-outbox")
        .register(registry);
    Timer latency =
        Timer.builder("offload.connector.capture.latency")
            .tag("connector", "offload-outbox")
            .register(registry);
    latency.record(Duration.ofMillis(180));
    latency.record(Duration.ofMillis(420));
    // A slot holding back 2 GiB of WAL: more than the alert's threshold.
    Gauge.builder("offload.connector.slot.retained.bytes", () -> 2L * 1024 * 1024 * 1024)
        .tag("connector", "offload-outbox")
        .tag("slot", "offload_outbox")
        .register(registry);
    Gauge.builder("offload.connector.slot.usable", () -> 1)
        .tag("connector", "offload-outbox")
        .tag("slot", "offload_outbox")
        .register(registry);
  }

  /** Headless Chromium with a fresh profile, closed with the test. */
  private record Browser(ChromeDriver driver) implements AutoCloseable {
    static Browser open(Path profile) {
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments(
          "--headless=new",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-dev-shm-usage",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
          "--user-data-dir=" + profile.toAbsolutePath(),
          "--window-size=1400,1600");
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(CHROMEDRIVER.toFile())
              .usingAnyFreePort()
              .build();
      return new Browser(new ChromeDriver(service, options));
    }

    byte[] screenshot() {
      return driver.getScreenshotAs(OutputType.BYTES);
    }

    @Override
    public void close() {
      driver.quit();
    }
  }
}
