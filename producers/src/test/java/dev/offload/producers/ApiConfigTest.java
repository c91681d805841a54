package dev.offload.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.schemas.outbox.OutboxMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiConfigTest {

  @Test
  void defaultsRequireKeysAndRunOnTheEmbeddedStack() {
    ApiConfig c = ApiConfig.LOADER.defaults(Map.of());

    assertThat(c.auth().required()).isTrue();
    assertThat(c.auth().keyCacheTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.http().host()).isEqualTo("127.0.0.1");
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.database().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/offload");
    assertThat(c.database().user()).isEqualTo("postgres");
    assertThat(c.database().poolSize()).isEqualTo(16);
    assertThat(c.database().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.registry().url()).isEqualTo("http://127.0.0.1:8081");
    assertThat(c.registry().cacheTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.limits())
        .isEqualTo(
            new ApiConfig.Limits(1024 * 1024, 500, 32, 262_144, 100, Duration.ofSeconds(10)));
    assertThat(c.rateLimit()).isEqualTo(new ApiConfig.RateLimit(1000, 2000));
    assertThat(c.idempotency().retention()).isEqualTo(Duration.ofHours(24));
    assertThat(c.outbox()).isEqualTo(new ApiConfig.Outbox(OutboxMode.TABLE, true));
    assertThat(c.producerName()).isEqualTo("dev");
  }

  @Test
  void codeStartsFromAnEmbeddedApiAndChangesKeysByName() {
    ApiConfig c = ApiConfig.of("jdbc:postgresql://db:6543/events", "app", "pw");

    assertThat(c.http().port()).as("any free port").isZero();
    assertThat(c.auth().required()).isFalse();
    assertThat(c.outbox().requireCapture()).isFalse();
    assertThat(c.database().password()).isEqualTo("pw");

    ApiConfig changed =
        c.with(Map.of("limits.max-batch-events", "10", "outbox.mode", "message", "http.port", "1"));

    assertThat(changed.limits().maxBatchEvents()).isEqualTo(10);
    assertThat(changed.outbox().mode()).isEqualTo(OutboxMode.MESSAGE);
    assertThat(changed.http().port()).isEqualTo(1);
    assertThat(changed.database()).as("the password is kept").isEqualTo(c.database());
    assertThatThrownBy(() -> c.with(Map.of("database.password", "x")))
        .hasMessageStartingWith("database.password: not a key that an option may set");
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
        outbox: {mode: message, require-capture: false}
        producer-name: local
        """
            .formatted(secret);

    ApiConfig c = ApiConfig.LOADER.parse(yaml, Map.of());

    assertThat(c.http()).isEqualTo(new ApiConfig.Http("0.0.0.0", 9000));
    assertThat(c.database())
        .isEqualTo(
            new ApiConfig.Database(
                "jdbc:postgresql://db.internal:6543/events",
                "offload",
                "s3cret",
                8,
                Duration.ofSeconds(2)));
    assertThat(c.registry())
        .isEqualTo(new ApiConfig.Registry("http://registry:8081", Duration.ofMinutes(1)));
    assertThat(c.auth()).isEqualTo(new ApiConfig.Auth(true, Duration.ofSeconds(2)));
    assertThat(c.limits())
        .isEqualTo(new ApiConfig.Limits(2048, 50, 10, 500, 20, Duration.ofSeconds(3)));
    assertThat(c.rateLimit()).isEqualTo(new ApiConfig.RateLimit(25.5, 100));
    assertThat(c.idempotency())
        .isEqualTo(new ApiConfig.Idempotency(Duration.ofHours(1), Duration.ofSeconds(30)));
    assertThat(c.breaker()).isEqualTo(new ApiConfig.Breaker(2, Duration.ofSeconds(10)));
    assertThat(c.outbox()).isEqualTo(new ApiConfig.Outbox(OutboxMode.MESSAGE, false));
    assertThat(c.producerName()).isEqualTo("local");
    assertThat(c.toString()).doesNotContain("s3cret").contains("user=offload");
  }

  @Test
  void environmentOverridesTheFileAndTheOldNamesStillWork() {
    ApiConfig c =
        ApiConfig.LOADER.parse(
            "http: {port: 9000}\ndatabase: {user: file-user}",
            Map.of(
                "OFFLOAD_API_HOST", "127.0.0.2",
                "OFFLOAD_API_PORT", "9100",
                "OFFLOAD_JDBC_URL", "jdbc:postgresql://pg:5433/x",
                "OFFLOAD_JDBC_USER", "env-user",
                "OFFLOAD_JDBC_PASSWORD", "pw",
                "OFFLOAD_REGISTRY_URL", "http://r:1",
                "OFFLOAD_API_AUTH_REQUIRED", "false"));

    assertThat(c.http()).isEqualTo(new ApiConfig.Http("127.0.0.2", 9100));
    assertThat(c.database().jdbcUrl()).isEqualTo("jdbc:postgresql://pg:5433/x");
    assertThat(c.database().user()).isEqualTo("env-user");
    assertThat(c.database().password()).isEqualTo("pw");
    assertThat(c.registry().url()).isEqualTo("http://r:1");
    assertThat(c.auth().required()).isFalse();
  }

  @Test
  void keysMayBeOptionalOnlyOnLoopback() {
    assertThat(ApiConfig.LOADER.parse("auth: {required: false}", Map.of()).auth().required())
        .isFalse();
    assertThatThrownBy(
            () ->
                ApiConfig.LOADER.parse("http: {host: 0.0.0.0}\nauth: {required: false}", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("auth.required must be true")
        .hasMessageContaining("0.0.0.0")
        .hasMessageContaining("not a loopback address");
    ApiConfig embedded = ApiConfig.of("jdbc:postgresql://db/x", "u", "");
    assertRejected(() -> embedded.with(Map.of("http.host", "0.0.0.0")), "auth.required");
    assertThat(embedded.with(Map.of("http.host", "0.0.0.0", "auth.required", "true")).http().host())
        .isEqualTo("0.0.0.0");
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
  void mistakesNameTheKey() {
    assertThatThrownBy(() -> ApiConfig.LOADER.parse("auth: {requierd: false}", Map.of()))
        .hasMessageStartingWith("auth.requierd: unknown setting");
    assertThatThrownBy(() -> ApiConfig.LOADER.parse("nonsense: 1", Map.of()))
        .hasMessageStartingWith("nonsense: unknown setting");
    assertThatThrownBy(() -> ApiConfig.LOADER.parse("limits: {request-timeout: soon}", Map.of()))
        .hasMessageStartingWith("limits.request-timeout: not a duration");
    assertThatThrownBy(() -> ApiConfig.LOADER.parse("http: {port: x}", Map.of()))
        .hasMessageStartingWith("http.port: not an integer");
    assertThatThrownBy(() -> ApiConfig.LOADER.parse("auth: {required: maybe}", Map.of()))
        .hasMessageStartingWith("auth.required: not true or false");
    assertThatThrownBy(() -> ApiConfig.LOADER.parse("database: {jdbc-url: mysql://x}", Map.of()))
        .hasMessageStartingWith("database.jdbc-url must look like");
    assertThatThrownBy(() -> ApiConfig.LOADER.parse("outbox: {mode: rows}", Map.of()))
        .hasMessage("outbox.mode: outbox mode must be 'table' or 'message', was: 'rows'");
    assertThatThrownBy(() -> ApiConfig.LOADER.parse("limits: {max-batch-events: 3000}", Map.of()))
        .hasMessageStartingWith("rate-limit.burst must be at least limits.max-batch-events");
    assertThatThrownBy(() -> ApiConfig.LOADER.parse("- a list", Map.of()))
        .hasMessageContaining("expected a mapping");
  }

  @Test
  void rejectionsNameTheKey() {
    ApiConfig c = ApiConfig.of("jdbc:postgresql://db/x", "u", "");

    assertRejected(() -> c.with(Map.of("http.host", " ")), "http.host");
    assertRejected(() -> c.with(Map.of("http.port", "-1")), "http.port");
    assertRejected(() -> c.with(Map.of("http.port", "65536")), "http.port");
    assertRejected(() -> c.with(Map.of("limits.max-body-bytes", "0")), "limits.max-body-bytes");
    assertRejected(() -> c.with(Map.of("producer-name", "")), "producer-name");
    assertRejected(() -> c.with(Map.of("producer-name", "p".repeat(256))), "producer-name");
    assertRejected(() -> c.with(Map.of("database.pool-size", "0")), "database.pool-size");
    assertRejected(
        () -> c.with(Map.of("database.connect-timeout", "0s")), "database.connect-timeout");
    assertRejected(() -> c.with(Map.of("registry.cache-ttl", "0s")), "registry.cache-ttl");
    assertRejected(() -> c.with(Map.of("registry.url", "")), "registry.url");
    assertRejected(() -> c.with(Map.of("limits.max-batch-events", "0")), "limits.max-batch-events");
    assertRejected(() -> c.with(Map.of("limits.request-timeout", "0s")), "limits.request-timeout");
    assertRejected(
        () -> c.with(Map.of("rate-limit.events-per-second", "-1")), "rate-limit.events-per-second");
    assertRejected(() -> c.with(Map.of("rate-limit.burst", "10")), "rate-limit.burst");
    assertRejected(
        () -> c.with(Map.of("breaker.failure-threshold", "0")), "breaker.failure-threshold");
    assertRejected(() -> c.with(Map.of("idempotency.retention", "0s")), "idempotency.retention");
    assertRejected(() -> c.with(Map.of("auth.key-cache-ttl", "0s")), "auth.key-cache-ttl");
    assertThat(c.with(Map.of("rate-limit.events-per-second", "0", "rate-limit.burst", "1")))
        .as("no limit, no burst to check")
        .isNotNull();
  }

  @Test
  void jdbcUrlsAreChecked() {
    assertThat(ApiConfig.Database.fromJdbcUrl("jdbc:postgresql://db:6543/events", "u", "p"))
        .satisfies(d -> assertThat(d.poolSize()).isEqualTo(16));
    assertThat(ApiConfig.Database.fromJdbcUrl("jdbc:postgresql://db/e", "u", "").jdbcUrl())
        .isEqualTo("jdbc:postgresql://db/e");
    assertThat(ApiConfig.Database.fromJdbcUrl("jdbc:postgresql://[::1]:5/e", "u", "").jdbcUrl())
        .isEqualTo("jdbc:postgresql://[::1]:5/e");
    assertRejected(
        () -> ApiConfig.Database.fromJdbcUrl("jdbc:mysql://db/events", "u", ""),
        "database.jdbc-url");
    assertRejected(
        () -> ApiConfig.Database.fromJdbcUrl("jdbc:postgresql://db:0/events", "u", ""),
        "database.jdbc-url's port");
    assertRejected(
        () -> ApiConfig.Database.fromJdbcUrl("jdbc:postgresql://db/events", null, ""),
        "database.user");
    assertRejected(
        () -> ApiConfig.Database.fromJdbcUrl("jdbc:postgresql://db/events", "u", null),
        "database.password");
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

    ApiConfig c = ApiConfig.LOADER.parse("{}", env);

    assertThat(c.http().port()).isEqualTo(9100);
    assertThat(c.database().user()).isEqualTo("env-user");
    assertThat(c.database().password()).isEqualTo("s3cret");
    assertThat(c.auth().required()).isFalse();
    assertThat(c.toString()).doesNotContain("s3cret");
    assertThat(ApiConfig.LOADER.print(null, env, Map.of()))
        .contains("jdbc-url: jdbc:postgresql://pg:5433/x")
        .contains("password: '****'")
        .contains("port: 9100")
        .contains("mode: table")
        .doesNotContain("s3cret");
  }

  private static void assertRejected(Runnable build, String key) {
    assertThatThrownBy(build::run)
        .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class)
        .hasMessageStartingWith(key + " ");
  }
}
