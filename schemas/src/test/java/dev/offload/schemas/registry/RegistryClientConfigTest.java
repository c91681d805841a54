package dev.offload.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistryClientConfigTest {
  private final RegistryClientConfig defaults = RegistryClientConfig.of("http://registry:8081");

  private static RegistryClientConfigBuilder builder() {
    return RegistryClientConfig.builder("http://registry:8081");
  }

  @Test
  void hasDocumentedDefaults() {
    assertThat(defaults.urls()).containsExactly(URI.create("http://registry:8081"));
    assertThat(defaults.basicAuthUser()).isNull();
    assertThat(defaults.sslContext()).isNull();
    assertThat(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(defaults.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(defaults.maxRetries()).isEqualTo(3);
    assertThat(defaults.retryBackoff()).isEqualTo(Duration.ofMillis(100));
    assertThat(defaults.retryBackoffMax()).isEqualTo(Duration.ofSeconds(2));
    assertThat(defaults.cacheSize()).isEqualTo(1000);
  }

  @Test
  void credentialsMoveFromTheUrlsIntoBasicAuth() {
    RegistryClientConfig config =
        RegistryClientConfig.of("https://bob:pa%3Ass@a:8081/base", "https://bob:pa%3Ass@b:8081");

    assertThat(config.urls())
        .containsExactly(URI.create("https://a:8081/base"), URI.create("https://b:8081"));
    assertThat(config.basicAuthUser()).isEqualTo("bob");
    assertThat(config.basicAuthPassword()).isEqualTo("pa:ss");
  }

  @Test
  void toStringNeverShowsThePassword() {
    String text = builder().basicAuthUser("alice").basicAuthPassword("hunter2").build().toString();

    assertThat(text).contains("basicAuthUser=alice").contains("basicAuthPassword=***");
    assertThat(text).doesNotContain("hunter2");
    assertThat(RegistryClientConfig.of("http://u:hunter2@h:1").toString())
        .doesNotContain("hunter2");
  }

  @Test
  void validationNamesTheOffendingField() {
    assertInvalid(
        "urls",
        () ->
            new RegistryClientConfig(
                List.of(),
                null,
                null,
                null,
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                0,
                Duration.ofMillis(1),
                Duration.ofMillis(1),
                1));
    assertInvalid("urls[1]", () -> RegistryClientConfig.of("http://a", "ftp://b"));
    assertInvalid("urls[0]", () -> RegistryClientConfig.of("http://a?x=1"));
    assertInvalid("urls[0]", () -> RegistryClientConfig.of("not a url"));
    assertInvalid("basicAuthPassword", () -> builder().basicAuthUser("alice").build());
    assertInvalid(
        "basicAuthUser", () -> builder().basicAuthUser("al:ice").basicAuthPassword("x").build());
    assertChecked("connect-timeout", builder().connectTimeout(Duration.ZERO));
    assertChecked("request-timeout", builder().requestTimeout(null));
    assertChecked("max-retries", builder().maxRetries(-1));
    assertChecked(
        "retry-backoff-max",
        builder().retryBackoff(Duration.ofSeconds(2)).retryBackoffMax(Duration.ofSeconds(1)));
    assertChecked("cache-size", builder().cacheSize(0));
  }

  @Test
  void invalidUrlMessagesDoNotLeakCredentials() {
    assertThatThrownBy(() -> RegistryClientConfig.of("ftp://u:hunter2@host"))
        .hasMessageStartingWith("urls[0]")
        .hasMessageNotContaining("hunter2");
  }

  /** The client refuses a configuration whose {@code key} is wrong, naming it. */
  private static void assertChecked(String key, RegistryClientConfigBuilder config) {
    RegistryClientConfig built = config.build();
    assertThatThrownBy(() -> new RegistryClient(built))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(key + " ");
  }

  private static void assertInvalid(String field, Runnable build) {
    assertThatThrownBy(build::run)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + ":");
  }
}
