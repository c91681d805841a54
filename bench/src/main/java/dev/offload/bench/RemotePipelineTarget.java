package dev.offload.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pipeline already running elsewhere: its ingest API, its Kafka cluster and its database, and
 * optionally the handler workers' HTTP endpoints of {@code offload dev} ({@code /v1/dev/mailbox},
 * {@code /v1/search}), where mails and indexed documents are seen. Closing it stops nothing.
 *
 * @param apiUrl base URL of the ingest API
 * @param bootstrapServers the Kafka cluster the connector captures into
 * @param jdbcUrl the database of the API (apps, outbox) and of the workers (marks, rollup)
 * @param jdbcUser the database user
 * @param workersUrl base URL of the workers' endpoints, or null when they are not reachable
 */
public record RemotePipelineTarget(
    String apiUrl, String bootstrapServers, String jdbcUrl, String jdbcUser, String workersUrl)
    implements PipelineTarget {

  /** Requires every address but the workers'. */
  public RemotePipelineTarget {
    require(apiUrl, "apiUrl");
    require(bootstrapServers, "bootstrapServers");
    require(jdbcUrl, "jdbcUrl");
    require(jdbcUser, "jdbcUser");
  }

  @Override
  public String description() {
    return "running pipeline at " + apiUrl + " (Kafka " + bootstrapServers + ")";
  }

  @Override
  public Optional<EffectProbe> effects() {
    return workersUrl == null ? Optional.empty() : Optional.of(new WorkersProbe(workersUrl));
  }

  @Override
  public void close() {}

  private static void require(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " is required");
    }
  }

  /** The mailbox and search endpoints of {@code offload dev}'s workers. */
  private static final class WorkersProbe implements EffectProbe {
    private static final int IDS_PER_SEARCH = 10;
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;

    WorkersProbe(String baseUrl) {
      this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    @Override
    public Map<String, Integer> mailsByEventId() throws IOException, InterruptedException {
      Map<String, Integer> mails = new HashMap<>();
      JsonArray all = get("/v1/dev/mailbox").getJsonArray("mails", new JsonArray());
      for (int i = 0; i < all.size(); i++) {
        String id = all.getJsonObject(i).getString("eventId");
        if (id != null) {
          mails.merge(id, 1, Integer::sum);
        }
      }
      return mails;
    }

    /**
     * Searches for {@value #IDS_PER_SEARCH} ids at a time: the endpoint answers 20 hits at most.
     */
    @Override
    public Map<String, Integer> documentHits(List<String> documentIds)
        throws IOException, InterruptedException {
      Map<String, Integer> found = new HashMap<>();
      for (int from = 0; from < documentIds.size(); from += IDS_PER_SEARCH) {
        List<String> ids =
            documentIds.subList(from, Math.min(documentIds.size(), from + IDS_PER_SEARCH));
        String q = URLEncoder.encode(String.join(" ", ids), StandardCharsets.UTF_8);
        JsonArray hits = get("/v1/search?q=" + q).getJsonArray("hits", new JsonArray());
        for (int i = 0; i < hits.size(); i++) {
          found.merge(hits.getJsonObject(i).getString("id"), 1, Integer::sum);
        }
      }
      return found;
    }

    @Override
    public long indexGeneration() {
      // Cannot tell when the index refreshes: look again every 200 ms.
      return System.nanoTime() / 200_000_000L;
    }

    private JsonObject get(String path) throws IOException, InterruptedException {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(baseUrl + path))
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException("GET " + path + " answered " + response.statusCode());
      }
      return new JsonObject(response.body());
    }
  }
}
