package dev.offload.app.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.offload.consumers.handlers.analytics.PageAnalytics;
import dev.offload.consumers.handlers.analytics.PageCount;
import dev.offload.consumers.handlers.index.SearchHit;
import dev.offload.consumers.handlers.index.SearchIndex;
import dev.offload.embedded.EmbeddedSmtp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handler workers' HTTP endpoints in {@code offload dev}, on a port of their own (the API
 * belongs to another role): {@code GET /v1/dev/mailbox} lists the mails the embedded SMTP server
 * received, {@code GET /v1/search?q=} queries the search index with highlights, {@code GET
 * /v1/analytics/pages?from=&to=} returns page views per path per minute. Answers are JSON.
 */
public final class WorkerHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerHttpServer.class);

  /** Hits returned by a search at most. */
  public static final int SEARCH_LIMIT = 20;

  private final HttpServer server;
  private final ExecutorService pool;

  private WorkerHttpServer(HttpServer server, ExecutorService pool) {
    this.server = server;
    this.pool = pool;
  }

  /** Serves the three endpoints on {@code port} of 127.0.0.1 (0 for a free port). */
  public static WorkerHttpServer start(
      int port, EmbeddedSmtp smtp, SearchIndex index, PageAnalytics analytics) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on port " + port + ": " + e.getMessage(), e);
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "offload-worker-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(pool);
    server.createContext("/v1/dev/mailbox", x -> answer(x, () -> mailbox(smtp)));
    server.createContext("/v1/search", x -> answer(x, () -> search(index, query(x).get("q"))));
    server.createContext("/v1/analytics/pages", x -> answer(x, () -> pages(analytics, query(x))));
    server.start();
    return new WorkerHttpServer(server, pool);
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Each mail as a reader sees it: recipients, sender, subject, the decoded plain text ({@code
   * text}; {@code bodyExcerpt} is its start), when it was sent and the event it was sent for.
   */
  private static Reply mailbox(EmbeddedSmtp smtp) {
    StringJoiner mails = new StringJoiner(",", "[", "]");
    for (EmbeddedSmtp.ReceivedMail m : smtp.received()) {
      mails.add(
          "{\"to\":"
              + Json.text(m.to())
              + ",\"from\":"
              + Json.text(m.from())
              + ",\"subject\":"
              + Json.text(m.subject())
              + ",\"sentAt\":"
              + Json.text(m.sentAt() == null ? null : m.sentAt().toString())
              + ",\"bodyExcerpt\":"
              + Json.text(m.bodyExcerpt())
              + ",\"text\":"
              + Json.text(m.text())
              + ",\"eventId\":"
              + Json.text(m.eventId())
              + "}");
    }
    return Reply.ok("{\"count\":" + smtp.count() + ",\"mails\":" + mails + "}");
  }

  private static Reply search(SearchIndex index, String q) {
    if (q == null || q.isBlank()) {
      return Reply.badRequest("q is required: /v1/search?q=words");
    }
    List<SearchHit> hits;
    try {
      hits = index.search(q, SEARCH_LIMIT);
    } catch (IllegalArgumentException e) {
      return Reply.badRequest("q is not a valid query: " + e.getMessage());
    }
    StringJoiner out = new StringJoiner(",", "[", "]");
    for (SearchHit hit : hits) {
      StringJoiner highlights = new StringJoiner(",", "[", "]");
      hit.highlights().forEach(h -> highlights.add(Json.text(h)));
      out.add(
          "{\"id\":"
              + Json.text(hit.id())
              + ",\"title\":"
              + Json.text(hit.title())
              + ",\"score\":"
              + hit.score()
              + ",\"highlights\":"
              + highlights
              + "}");
    }
    return Reply.ok("{\"query\":" + Json.text(q) + ",\"hits\":" + out + "}");
  }

  private static Reply pages(PageAnalytics analytics, Map<String, String> query)
      throws SQLException {
    Instant to;
    Instant from;
    try {
      to = query.containsKey("to") ? Instant.parse(query.get("to")) : Instant.now();
      from =
          query.containsKey("from")
              ? Instant.parse(query.get("from"))
              : to.minus(Duration.ofHours(1));
    } catch (DateTimeParseException e) {
      return Reply.badRequest(
          "from and to are ISO-8601 instants (2026-01-01T10:00:00Z): " + e.getParsedString());
    }
    if (from.isAfter(to)) {
      return Reply.badRequest("from must not be after to");
    }
    StringJoiner out = new StringJoiner(",", "[", "]");
    long total = 0;
    for (PageCount c : analytics.counts(from, to)) {
      total += c.views();
      out.add(
          "{\"path\":"
              + Json.text(c.path())
              + ",\"minute\":"
              + Json.text(c.minute().toString())
              + ",\"views\":"
              + c.views()
              + "}");
    }
    return Reply.ok(
        "{\"from\":"
            + Json.text(from.toString())
            + ",\"to\":"
            + Json.text(to.toString())
            + ",\"total\":"
            + total
            + ",\"counts\":"
            + out
            + "}");
  }

  private static Map<String, String> query(HttpExchange x) {
    Map<String, String> params = new HashMap<>();
    String raw = x.getRequestURI().getRawQuery();
    if (raw == null) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        params.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return params;
  }

  private static void answer(HttpExchange x, Endpoint endpoint) throws IOException {
    Reply reply;
    if (!"GET".equals(x.getRequestMethod())) {
      reply = new Reply(405, "{\"error\":\"only GET is served here\"}");
    } else {
      try {
        reply = endpoint.reply();
      } catch (Exception e) {
        log.warn("{} failed: {}", x.getRequestURI().getPath(), e.toString());
        reply = new Reply(500, "{\"error\":" + Json.text(e.getMessage()) + "}");
      }
    }
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(reply.status(), body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }

  /** Stops serving. */
  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }

  @FunctionalInterface
  private interface Endpoint {
    Reply reply() throws Exception;
  }

  private record Reply(int status, String body) {
    static Reply ok(String body) {
      return new Reply(200, body);
    }

    static Reply badRequest(String message) {
      return new Reply(400, "{\"error\":" + Json.text(message) + "}");
    }
  }

  /** JSON string literals. */
  static final class Json {
    private Json() {}

    static String text(String s) {
      if (s == null) {
        return "null";
      }
      StringBuilder b = new StringBuilder(s.length() + 2).append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          default -> {
            if (c < 0x20) {
              b.append(String.format("\\u%04x", (int) c));
            } else {
              b.append(c);
            }
          }
        }
      }
      return b.append('"').toString();
    }
  }
}
