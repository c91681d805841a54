package dev.offload.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiConfigurationTest {

  @Test
  void defaultsRequireKeys() {
    ApiConfiguration c = ApiConfiguration.defaults(Map.of());

    assertThat(c.api().auth().required()).isTrue();
    assertThat(c.api().host()).isEqualTo("127.0.0.1");
    assertThat(c.api().port()).isEqualTo(8080);
    assertThat(c.api().database().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/offload");
    assertThat(c.api().limits()).isEqualTo(ApiConfig.Limits.defaults());
    assertThat(c.api().rateLimit()).isEqualTo(ApiConfig.RateLimit.defaults());
    assertThat(c.registryUrl()).isEqualTo("http://127.0.0.1:8081");
  }

  @Test
  void everySettingIsRead(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("pw");
    Files.writeString(secret, "s3cret\n");
    String yaml =
        """
        http: {host: 0.0.0.0, port: 9000}
        database:
          jdbc-url: jdbc:postgresql://db.internal:6543/events
          user: offload
          password-file: %s
          pool-size: 8
          connect-timeout: 2s
        registry: {url: http://registry:8081, cache-ttl: 1m}
        auth: {required: true, key-cache-ttl: 2s}
        limits:
          max-body-bytes: 2048
          max-batch-events: 50
          max-nesting-depth: 10
          max-string-length: 500
          max-number-length: 20
          request-timeout: 3s
        rate-limit: {events-per-second: 25.5, burst: 100}
        idempotency: {retention: 1h, purge-interval: 30s}
        breaker: {failure-threshold: 2, open-for: 10s}
        producer-name: local
        """
            .formatted(secret);

    ApiConfiguration c = ApiConfiguration.parse(yaml, Map.of());
    ApiConfig api = c.api();

    assertThat(api.host()).isEqualTo("0.0.0.0");
    assertThat(api.port()).isEqualTo(9000);
    assertThat(api.database())
        .isEqualTo(new ApiConfig.Database("db.internal", 6543, "events", "offload", "s3cret"));
    assertThat(api.dbPoolSize()).isEqualTo(8);
    assertThat(api.dbConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(api.schemaCacheTtl()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.registryUrl()).isEqualTo("http://registry:8081");
    assertThat(api.auth()).isEqualTo(new ApiConfig.Auth(true, Duration.ofSeconds(2)));
    assertThat(api.maxBodyBytes()).isEqualTo(2048);
    assertThat(api.limits())
        .isEqualTo(new ApiConfig.Limits(50, 10, 500, 20, Duration.ofSeconds(3)));
    assertThat(api.rateLimit()).isEqualTo(new ApiConfig.RateLimit(25.5, 100));
    assertThat(api.idempotency())
        .isEqualTo(new ApiConfig.Idempotency(Duration.ofHours(1), Duration.ofSeconds(30)));
    assertThat(api.breaker()).isEqualTo(new ApiConfig.Breaker(2, Duration.ofSeconds(10)));
    assertThat(api.producerName()).isEqualTo("local");
    assertThat(api.toString()).doesNotContain("s3cret");
  }

  @Test
  void environmentOverridesTheFile() {
    ApiConfiguration c =
        ApiConfiguration.parse(
            "http: {port: 9000}\ndatabase: {user: file-user}",
            Map.of(
                "OFFLOAD_API_HOST", "127.0.0.2",
                "OFFLOAD_API_PORT", "9100",
                "OFFLOAD_JDBC_URL", "jdbc:postgresql://pg:5433/x",
                "OFFLOAD_JDBC_USER", "env-user",
                "OFFLOAD_JDBC_PASSWORD", "pw",
                "OFFLOAD_REGISTRY_URL", "http://r:1",
                "OFFLOAD_API_AUTH_REQUIRED", "false"));

    assertThat(c.api().host()).isEqualTo("127.0.0.2");
    assertThat(c.api().port()).isEqualTo(9100);
    assertThat(c.api().database())
        .isEqualTo(new ApiConfig.Database("pg", 5433, "x", "env-user", "pw"));
    assertThat(c.registryUrl()).isEqualTo("http://r:1");
    assertThat(c.api().auth().required()).isFalse();
  }

  @Test
  void keysMayBeOptionalOnlyOnLoopback() {
    assertThat(ApiConfiguration.parse("auth: {required: false}", Map.of()).api().auth().required())
        .isFalse();
    assertThatThrownBy(
            () ->
                ApiConfiguration.parse("http: {host: 0.0.0.0}\nauth: {required: false}", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("auth.required must be true")
        .hasMessageContaining("0.0.0.0")
        .hasMessageContaining("not a loopback address");
    assertThat(ApiConfig.isLoopback("127.0.0.1")).isTrue();
    assertThat(ApiConfig.isLoopback("127.1.2.3")).isTrue();
    assertThat(ApiConfig.isLoopback("localhost")).isTrue();
    assertThat(ApiConfig.isLoopback("::1")).isTrue();
    assertThat(ApiConfig.isLoopback("[::1]")).isTrue();
    assertThat(ApiConfig.isLoopback("0.0.0.0")).isFalse();
    assertThat(ApiConfig.isLoopback("::")).isFalse();
    assertThat(ApiConfig.isLoopback("10.0.0.1")).isFalse();
    assertThat(ApiConfig.isLoopback("127.example.com")).isFalse();
    assertThat(ApiConfig.isLoopback("127.0.0.256")).isFalse();
  }

  @Test
  void mistakesNameTheField() {
    assertThatThrownBy(() -> ApiConfiguration.parse("auth: {requierd: false}", Map.of()))
        .hasMessageStartingWith("auth.requierd: unknown setting");
    assertThatThrownBy(() -> ApiConfiguration.parse("nonsense: 1", Map.of()))
        .hasMessageStartingWith("nonsense: unknown setting");
    assertThatThrownBy(() -> ApiConfiguration.parse("limits: {request-timeout: soon}", Map.of()))
        .hasMessageStartingWith("limits.request-timeout: not a duration");
    assertThatThrownBy(() -> ApiConfiguration.parse("http: {port: x}", Map.of()))
        .hasMessageStartingWith("http.port: not an integer");
    assertThatThrownBy(() -> ApiConfiguration.parse("auth: {required: maybe}", Map.of()))
        .hasMessageStartingWith("auth.required: not true or false");
    assertThatThrownBy(() -> ApiConfiguration.parse("database: {jdbc-url: mysql://x}", Map.of()))
        .hasMessageStartingWith("database.jdbcUrl must look like");
    assertThatThrownBy(() -> ApiConfiguration.parse("limits: {max-batch-events: 3000}", Map.of()))
        .hasMessageStartingWith("rateLimit.burst must be at least limits.maxBatchEvents");
    assertThatThrownBy(() -> ApiConfiguration.parse("- a list", Map.of()))
        .hasMessageContaining("expected a mapping");
  }

  @Test
  void theDatabaseHasTheConnectorsNamesAndThePrintedFileHidesThePassword(@TempDir Path dir)
      throws Exception {
    Path secret = dir.resolve("pw");
    Files.writeString(secret, "s3cret\n");
    Map<String, String> env =
        Map.of(
            "OFFLOAD_HTTP_PORT", "9100",
            "OFFLOAD_DATABASE_JDBC_URL", "jdbc:postgresql://pg:5433/x",
            "OFFLOAD_DATABASE_USER", "env-user",
            "OFFLOAD_DATABASE_PASSWORD_FILE", secret.toString(),
            "OFFLOAD_AUTH_REQUIRED", "false");

    ApiConfiguration c = ApiConfiguration.parse("{}", env);

    assertThat(c.api().port()).isEqualTo(9100);
    assertThat(c.api().database())
        .isEqualTo(new ApiConfig.Database("pg", 5433, "x", "env-user", "s3cret"));
    assertThat(c.api().auth().required()).isFalse();
    assertThat(ApiConfiguration.print(null, env, Map.of()))
        .contains("jdbc-url: jdbc:postgresql://pg:5433/x")
        .contains("password: '****'")
        .contains("port: 9100")
        .doesNotContain("s3cret");
  }
}
