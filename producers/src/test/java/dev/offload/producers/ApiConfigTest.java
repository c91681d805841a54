package dev.offload.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ApiConfigTest {

  @Test
  void defaultsRunOnTheEmbeddedStack() {
    ApiConfig config = ApiConfig.defaults();

    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.maxBodyBytes()).isEqualTo(1024 * 1024);
    assertThat(config.producerName()).isEqualTo("dev");
    assertThat(config.dbPoolSize()).isEqualTo(16);
    assertThat(config.dbConnectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.schemaCacheTtl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.database().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/offload");
    assertThat(config.database().user()).isEqualTo("postgres");
  }

  @Test
  void aBuilderChangesSomeFieldsOfTheDefaults() {
    ApiConfig config = ApiConfig.builder().port(0).producerName("billing").build();

    assertThat(config.port()).isZero();
    assertThat(config.producerName()).isEqualTo("billing");
    assertThat(config.host()).isEqualTo(ApiConfig.DEFAULT_HOST);
  }

  @Test
  void rejectionsNameTheOffendingField() {
    ApiConfig base = ApiConfig.defaults();

    assertRejected(() -> base.toBuilder().host(" ").build(), "host");
    assertRejected(() -> base.toBuilder().port(-1).build(), "port");
    assertRejected(() -> base.toBuilder().port(65536).build(), "port");
    assertRejected(() -> base.toBuilder().maxBodyBytes(0).build(), "maxBodyBytes");
    assertRejected(() -> base.toBuilder().producerName("").build(), "producerName");
    assertRejected(() -> base.toBuilder().producerName("p".repeat(256)).build(), "producerName");
    assertRejected(() -> base.toBuilder().dbPoolSize(0).build(), "dbPoolSize");
    assertRejected(
        () -> base.toBuilder().dbConnectTimeout(Duration.ZERO).build(), "dbConnectTimeout");
    assertRejected(() -> base.toBuilder().database(null).build(), "database");
    assertRejected(() -> base.toBuilder().schemaCacheTtl(Duration.ZERO).build(), "schemaCacheTtl");
    assertRejected(() -> base.toBuilder().schemaCacheTtl(null).build(), "schemaCacheTtl");
  }

  @Test
  void newSettingsHaveDefaultsAndNameTheOffendingField() {
    ApiConfig config = ApiConfig.defaults();
    assertThat(config.auth().required()).as("the dev stack's default").isFalse();
    assertThat(config.limits().maxBatchEvents()).isEqualTo(500);
    assertThat(config.rateLimit().burst()).isGreaterThanOrEqualTo(500);
    assertThat(config.idempotency().retention()).isEqualTo(Duration.ofHours(24));

    assertRejected(
        () -> new ApiConfig.Limits(0, 1, 1, 1, Duration.ofSeconds(1)), "limits.maxBatchEvents");
    assertRejected(() -> new ApiConfig.Limits(1, 1, 1, 1, Duration.ZERO), "limits.requestTimeout");
    assertRejected(() -> new ApiConfig.RateLimit(-1, 10), "rateLimit.eventsPerSecond");
    assertRejected(() -> new ApiConfig.RateLimit(1, 0), "rateLimit.burst");
    assertRejected(
        () -> new ApiConfig.Breaker(0, Duration.ofSeconds(1)), "breaker.failureThreshold");
    assertRejected(
        () -> new ApiConfig.Idempotency(Duration.ZERO, Duration.ofSeconds(1)),
        "idempotency.retention");
    assertRejected(
        () -> config.toBuilder().rateLimit(new ApiConfig.RateLimit(1, 10)).build(),
        "rateLimit.burst");
    assertRejected(() -> config.toBuilder().host("0.0.0.0").build(), "auth.required");
    assertThat(
            config.toBuilder().auth(ApiConfig.Auth.keysRequired()).host("0.0.0.0").build().host())
        .isEqualTo("0.0.0.0");
  }

  @Test
  void jdbcUrlsAreRead() {
    assertThat(ApiConfig.Database.fromJdbcUrl("jdbc:postgresql://db:6543/events", "u", "p"))
        .isEqualTo(new ApiConfig.Database("db", 6543, "events", "u", "p"));
    assertThat(ApiConfig.Database.fromJdbcUrl("jdbc:postgresql://db/events", "u", "").port())
        .isEqualTo(5432);
    assertThat(ApiConfig.Database.fromJdbcUrl("jdbc:postgresql://[::1]:5/e", "u", "").jdbcUrl())
        .isEqualTo("jdbc:postgresql://[::1]:5/e");
    assertRejected(
        () -> ApiConfig.Database.fromJdbcUrl("jdbc:mysql://db/events", "u", ""),
        "database.jdbcUrl");
  }

  @Test
  void databaseRejectionsNameTheOffendingField() {
    assertRejected(() -> new ApiConfig.Database("", 5432, "db", "u", ""), "database.host");
    assertRejected(() -> new ApiConfig.Database("h", 0, "db", "u", ""), "database.port");
    assertRejected(() -> new ApiConfig.Database("h", 5432, " ", "u", ""), "database.name");
    assertRejected(() -> new ApiConfig.Database("h", 5432, "db", null, ""), "database.user");
    assertRejected(() -> new ApiConfig.Database("h", 5432, "db", "u", null), "database.password");
  }

  @Test
  void passwordNeverAppearsInToString() {
    ApiConfig config =
        ApiConfig.builder()
            .database(new ApiConfig.Database("db", 5432, "offload", "app", "s3cret-pw"))
            .build();

    assertThat(config.toString()).doesNotContain("s3cret-pw").contains("user=app");
    assertThat(config.database().toString()).doesNotContain("s3cret-pw");
  }

  private static void assertRejected(Runnable build, String field) {
    assertThatThrownBy(build::run)
        .isInstanceOfAny(IllegalArgumentException.class, NullPointerException.class)
        .hasMessageStartingWith(field + " ");
  }
}
