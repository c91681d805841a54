package dev.offload.ops.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.ops.lag.LagMonitorConfig;
import dev.offload.schemas.config.ConfigChecks;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpsServerConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    OpsServerConfig c = OpsServerConfig.defaults("127.0.0.1:9092");
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(8090);
    assertThat(c.history()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.newestDeadLetters()).isEqualTo(10);
    assertThat(c.lag()).isEqualTo(LagMonitorConfig.defaults("127.0.0.1:9092"));
    assertThat(c.lag().interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.lag().groups()).isEmpty();
  }

  @Test
  void namesTheFieldThatIsWrong() {
    assertRejected(builder().host(" "), "host must not be blank");
    assertRejected(builder().port(70_000), "port must be between 0 and 65535, was: 70000");
    assertRejected(OpsServerConfig.builder(""), "lag.bootstrap-servers must not be blank");
    assertRejected(
        builder().lag(LagMonitorConfig.builder("k:9092").interval(Duration.ZERO).build()),
        "lag.interval must be a positive duration, was: PT0S");
    assertRejected(
        builder().history(Duration.ofSeconds(1)),
        "history must be at least lag.interval (PT5S), was PT1S");
    assertRejected(
        builder().newestDeadLetters(0), "newest-dead-letters must be between 1 and 1000, was 0");
    assertThat(ConfigChecks.check(builder().build())).isEqualTo(builder().build());
  }

  @Test
  void theServerChecksItsConfigurationBeforeItStartsAnything() {
    assertThatThrownBy(
            () ->
                OpsServer.start(
                    builder().port(-1).build(),
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    Map.of()))
        .hasMessage("port must be between 0 and 65535, was: -1");
  }

  private static void assertRejected(OpsServerConfigBuilder config, String message) {
    assertThatThrownBy(() -> ConfigChecks.check(config.build())).hasMessage(message);
  }

  private static OpsServerConfigBuilder builder() {
    return OpsServerConfig.builder("127.0.0.1:9092");
  }
}
