package dev.offload.streams.analytics;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Answers {@code GET /v1/analytics/counts?type=|producer=&window=1m|1h&from=&to=} from any
 * instance: a key held by this JVM is read from its window store; a key held by another instance is
 * fetched from that instance's HTTP server, found through the streams metadata. {@code from} and
 * {@code to} (ISO-8601 instants or epoch milliseconds) bound window start times; they default to
 * the last 24 hours.
 */
public final class AnalyticsQueries {
  /** The query path. */
  public static final String PATH = "/v1/analytics/counts";

  private final Supplier<List<KafkaStreams>> locals;
  private final HostInfo self;
  private final HttpClient client;
  private final Clock clock;

  /** Queries {@code locals}; {@code self} is the {@code application.server} they advertise. */
  public AnalyticsQueries(Supplier<List<KafkaStreams>> locals, HostInfo self, Clock clock) {
    this.locals = locals;
    this.self = self;
    this.clock = clock;
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * A JSON answer.
   *
   * @param status HTTP status
   * @param body JSON body
   */
  public record Answer(int status, String body) {}

  /**
   * The counts of one key.
   *
   * @param dimension {@code type} or {@code producer}
   * @param key the type or producer
   * @param window {@code 1m} or {@code 1h}
   * @param from earliest window start
   * @param to latest window start
   * @param total sum of the counts, only for tumbling (1m) windows, which do not overlap
   * @param counts one entry per window with events, oldest first
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Counts(
      String dimension,
      String key,
      String window,
      Instant from,
      Instant to,
      Long total,
      List<WindowCount> counts) {}

  /** Answers a query given its parameters. */
  public Answer query(Map<String, String> params) {
    Query q;
    try {
      q = Query.parse(params, clock.instant());
    } catch (IllegalArgumentException e) {
      return error(400, e.getMessage());
    }
    List<KafkaStreams> instances = locals.get();
    if (instances.isEmpty()) {
      return error(503, "no local stream instance");
    }
    String store = AnalyticsTopology.storeName(q.dimension(), q.window());
    KeyQueryMetadata where =
        instances.get(0).queryMetadataForKey(store, q.key(), Serdes.String().serializer());
    if (where == null || KeyQueryMetadata.NOT_AVAILABLE.equals(where)) {
      return error(503, "partitions are being assigned; retry shortly");
    }
    if (where.activeHost().equals(self) || "true".equals(params.get("local"))) {
      return readLocally(instances, store, where.partition(), q);
    }
    return fetchFrom(where.activeHost(), params);
  }

  private Answer readLocally(List<KafkaStreams> instances, String store, int partition, Query q) {
    for (KafkaStreams streams : instances) {
      try {
        ReadOnlyWindowStore<String, Long> windows =
            streams.store(
                StoreQueryParameters.fromNameAndType(
                        store, QueryableStoreTypes.<String, Long>windowStore())
                    .withPartition(partition));
        return new Answer(200, json(counts(windows, q)));
      } catch (InvalidStateStoreException e) {
        continue; // another local instance holds this partition, or it is being restored
      }
    }
    return error(503, "partition " + partition + " of " + store + " is not available here yet");
  }

  private Counts counts(ReadOnlyWindowStore<String, Long> windows, Query q) {
    List<WindowCount> counts = new ArrayList<>();
    try (WindowStoreIterator<Long> it = windows.fetch(q.key(), q.from(), q.to())) {
      while (it.hasNext()) {
        var kv = it.next();
        Instant start = Instant.ofEpochMilli(kv.key);
        counts.add(
            new WindowCount(
                q.dimension().label(),
                q.key(),
                q.window().label(),
                start,
                start.plus(q.window().size()),
                kv.value));
      }
    }
    Long total =
        q.window() == CountWindow.MINUTE
            ? counts.stream().mapToLong(WindowCount::count).sum()
            : null;
    return new Counts(
        q.dimension().label(), q.key(), q.window().label(), q.from(), q.to(), total, counts);
  }

  private Answer fetchFrom(HostInfo host, Map<String, String> params) {
    String query =
        params.entrySet().stream()
            .filter(e -> !e.getKey().equals("local"))
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    URI uri =
        URI.create(
            "http://" + host.host() + ":" + host.port() + PATH + "?" + query + "&local=true");
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      return error(502, "instance " + host + " did not answer: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return error(503, "interrupted");
    }
  }

  private static Answer error(int status, String message) {
    return new Answer(status, json(Map.of("error", message)));
  }

  private static String json(Object value) {
    try {
      return AnalyticsTopology.JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Query(
      CountDimension dimension, String key, CountWindow window, Instant from, Instant to) {
    static Query parse(Map<String, String> params, Instant now) {
      String type = params.get("type");
      String producer = params.get("producer");
      if ((type == null) == (producer == null)) {
        throw new IllegalArgumentException("give exactly one of type= or producer=");
      }
      CountWindow window = CountWindow.ofLabel(params.getOrDefault("window", "1m"));
      Instant to = instant("to", params.get("to"), now);
      Instant from = instant("from", params.get("from"), to.minus(Duration.ofHours(24)));
      if (from.isAfter(to)) {
        throw new IllegalArgumentException("from: must not be after to");
      }
      return type != null
          ? new Query(CountDimension.TYPE, type, window, from, to)
          : new Query(CountDimension.PRODUCER, producer, window, from, to);
    }

    static Instant instant(String field, String text, Instant fallback) {
      if (text == null || text.isBlank()) {
        return fallback;
      }
      try {
        return text.chars().allMatch(Character::isDigit)
            ? Instant.ofEpochMilli(Long.parseLong(text))
            : Instant.parse(text);
      } catch (DateTimeParseException | NumberFormatException e) {
        throw new IllegalArgumentException(
            field + ": not an ISO-8601 instant or epoch milliseconds: '" + text + "'");
      }
    }
  }
}
