package dev.offload.schemas.registry;

import static dev.offload.schemas.TestSchemas.profileV1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.InterruptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link RegistryClient} fails: Confluent error codes, bounded retries with backoff on 5xx and
 * refused connections only, failover across URLs, interrupts. Waiting is recorded, not done.
 */
class RegistryClientFailureTest {
  private final List<Duration> sleeps = new ArrayList<>();
  private FakeRegistryServer server;
  private RegistryClient client;

  @BeforeEach
  void start() throws Exception {
    server = FakeRegistryServer.start();
    client = client(RegistryClientConfig.of(server.url()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void confluentErrorCodesAreMapped() {
    assertError(404, 40401, "Subject 'test' not found.", () -> client.latest("test"));
    assertError(404, 40402, "Version 9 not found.", () -> client.version("test", 9));
    assertError(404, 40403, "Schema 99 not found", () -> client.getById(99));
    assertError(
        409,
        409,
        "Schema being registered is incompatible",
        () -> client.register("t", profileV1()));
    assertError(422, 42201, "Invalid schema", () -> client.register("u", profileV1()));
    assertError(
        422,
        42202,
        "The specified version '0' is not a valid version id",
        () -> client.version("t", 0));
    assertThat(server.requests()).hasSize(6);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void storeErrorIsRetriedThenReported() {
    client =
        client(
            RegistryClientConfig.builder(server.url())
                .maxRetries(2)
                .retryBackoff(Duration.ofMillis(100))
                .retryBackoffMax(Duration.ofSeconds(1))
                .build());
    for (int i = 0; i < 3; i++) {
      server.respond(500, "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}");
    }

    assertThatThrownBy(() -> client.subjects())
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(500);
              assertThat(e.errorCode()).isEqualTo(RegistryException.STORE_ERROR);
              assertThat(e.isRetryable()).isTrue();
            });
    assertThat(server.requests()).hasSize(3);
    // equal jitter with a random source of 0: half the exponential delay, 100 ms then 200 ms
    assertThat(sleeps).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100));
  }

  @Test
  void serviceUnavailableIsRetriedUntilSuccess() {
    server
        .respond(503, "{\"error_code\":50003,\"message\":\"forwarding\"}")
        .respond(200, "[\"a\"]");

    assertThat(client.subjects()).containsExactly("a");

    assertThat(server.requests()).hasSize(2);
    assertThat(sleeps).containsExactly(Duration.ofMillis(50));
  }

  @Test
  void clientErrorsAreNotRetried() {
    server.respond(404, "{\"error_code\":40401,\"message\":\"Subject 'x' not found.\"}");

    assertThatThrownBy(() -> client.versions("x")).isInstanceOf(RegistryException.class);

    assertThat(server.requests()).hasSize(1);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void answersWithoutAConfluentBodyCarryTheStatus() {
    client =
        client(
            RegistryClientConfig.builder(server.url())
                .maxRetries(0)
                .retryBackoff(Duration.ofMillis(1))
                .retryBackoffMax(Duration.ofMillis(1))
                .build());
    server.respond(502, "<html>Bad Gateway</html>");

    assertThatThrownBy(() -> client.subjects())
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(502));
  }

  @Test
  void failsOverToTheNextUrlWithoutWaiting() throws Exception {
    String dead = "http://127.0.0.1:" + DeadPort.find();
    client = client(RegistryClientConfig.of(dead, server.url()));
    server.respond(200, "[\"a\"]").respond(200, "[\"b\"]");

    assertThat(client.subjects()).containsExactly("a");
    assertThat(client.subjects()).containsExactly("b");

    assertThat(server.requests()).hasSize(2);
    assertThat(sleeps).isEmpty();
  }

  @Test
  void failsOverOnA5xxAnswer() throws Exception {
    try (FakeRegistryServer second = FakeRegistryServer.start()) {
      client = client(RegistryClientConfig.of(server.url(), second.url()));
      server.respond(503, "{\"error_code\":50003,\"message\":\"down\"}");
      second.respond(200, "{\"id\":4}");

      assertThat(client.register("s", profileV1())).isEqualTo(4);

      assertThat(server.requests()).hasSize(1);
      assertThat(second.requests()).hasSize(1);
      assertThat(sleeps).isEmpty();
    }
  }

  @Test
  void noReachableUrlFailsAfterTheRetries() throws Exception {
    client =
        client(
            RegistryClientConfig.builder("http://127.0.0.1:" + DeadPort.find())
                .maxRetries(1)
                .retryBackoff(Duration.ofMillis(10))
                .retryBackoffMax(Duration.ofMillis(10))
                .build());

    assertThatThrownBy(() -> client.subjects())
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isZero();
              assertThat(e.isRetryable()).isTrue();
              assertThat(e).hasMessageContaining("cannot connect");
            });
    assertThat(sleeps).hasSize(1);
  }

  @Test
  void interruptEndsTheRetriesAndKeepsTheFlag() {
    server.respond(503, "{\"error_code\":50003,\"message\":\"down\"}");
    RegistryClient interrupted =
        new RegistryClient(
            RegistryClientConfig.of(server.url()),
            duration -> {
              throw new InterruptedException("stop");
            },
            () -> 0L);
    try {
      assertThatThrownBy(interrupted::subjects).isInstanceOf(InterruptException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
      assertThat(server.requests()).hasSize(1);
    } finally {
      Thread.interrupted();
    }
  }

  private void assertError(int status, int code, String message, Runnable call) {
    server.respond(status, "{\"error_code\":" + code + ",\"message\":\"" + message + "\"}");
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(status);
              assertThat(e.errorCode()).isEqualTo(code);
              assertThat(e.is(code)).isTrue();
              assertThat(e.isRetryable()).isFalse();
              assertThat(e).hasMessage(message);
            });
  }

  private RegistryClient client(RegistryClientConfig config) {
    return new RegistryClient(config, sleeps::add, () -> 0L);
  }
}
