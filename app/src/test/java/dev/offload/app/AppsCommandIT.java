package dev.offload.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.producers.ApiConfig;
import dev.offload.producers.IngestApi;
import dev.offload.runtime.config.DurationText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code offload apps create|list|rotate|revoke} against the shared PostgreSQL, and the keys they
 * print used against an ingest API that requires keys.
 */
@ExtendWith(SharedInfrastructure.class)
class AppsCommandIT {
  private static final Pattern KEY = Pattern.compile("ofk_[A-Za-z0-9_-]{43}");
  private static final String BODY = "{\"key\":\"user-42\",\"data\":{\"plan\":\"pro\"}}";
  private static final Duration KEY_CACHE_TTL = Duration.ofMillis(300);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void createdKeyPublishesAsItsAppUntilRotatedOrRevoked(Infrastructure infra) throws Exception {
    String database = TestNames.database("apps_cli");
    infra.createDatabase(database);
    Path password = dir.resolve("pg-password");
    Files.writeString(password, infra.postgresPassword());
    List<String> db =
        List.of(
            "--jdbc-url",
            infra.jdbcUrl(database),
            "--db-user",
            infra.postgresUser(),
            "--db-password-file",
            password.toString());

    assertThat(run(db, "apps", "create", "shop", "--types", "user-signed-up,document-changed"))
        .as(err.toString())
        .isZero();
    String created = out.toString();
    String key = onlyKey(created);
    assertThat(created)
        .contains("Created app shop; it may publish: document-changed, user-signed-up")
        .contains("shown once");

    ApiConfig config =
        ApiConfig.of(infra.jdbcUrl(database), infra.postgresUser(), infra.postgresPassword())
            .with(
                Map.of(
                    "auth.required",
                    "true",
                    "auth.key-cache-ttl",
                    DurationText.format(KEY_CACHE_TTL)));
    try (IngestApi api =
        IngestApi.start(config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), Map.of())) {
      assertThat(post(api, "user-signed-up", key)).isEqualTo(202);
      assertThat(post(api, "page-viewed", key)).as("a type it was not given").isEqualTo(403);
      assertThat(post(api, "user-signed-up", null)).as("no key").isEqualTo(401);

      assertThat(run(db, "apps", "list")).isZero();
      assertThat(out.toString())
          .contains("shop")
          .contains("active")
          .contains("document-changed,user-signed-up")
          .doesNotContain(key);

      assertThat(run(db, "apps", "rotate", "shop", "--quiet")).isZero();
      String rotated = out.toString().trim();
      assertThat(rotated).matches(KEY.pattern());
      assertThat(post(api, "user-signed-up", rotated)).isEqualTo(202);
      await().atMost(Duration.ofSeconds(5)).until(() -> post(api, "user-signed-up", key) == 401);

      assertThat(run(db, "apps", "revoke", "shop")).isZero();
      assertThat(out.toString()).contains("Revoked app shop");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> post(api, "user-signed-up", rotated) == 401);
      assertThat(run(db, "apps", "list")).isZero();
      assertThat(out.toString()).contains("revoked");
    }

    assertThat(run(db, "apps", "create", "shop", "--types", "*")).isEqualTo(1);
    assertThat(err.toString()).contains("exists already (revoked)");
    assertThat(run(db, "apps", "create", "other", "--types", "Not_Kebab")).isEqualTo(1);
    assertThat(err.toString()).contains("kebab-case");
  }

  private int run(List<String> db, String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(db);
    CommandLine cli = Offload.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(all.toArray(String[]::new));
  }

  private static String onlyKey(String output) {
    Matcher m = KEY.matcher(output);
    assertThat(m.find()).as(output).isTrue();
    String key = m.group();
    assertThat(m.find()).as("the key is printed once").isFalse();
    return key;
  }

  private static int post(IngestApi api, String type, String key) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v1/events/" + type))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(BODY));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }
}
