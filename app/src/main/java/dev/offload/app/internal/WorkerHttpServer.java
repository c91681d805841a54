package dev.offload.app.internal;

import dev.offload.consumers.handlers.analytics.PageAnalytics;
import dev.offload.consumers.handlers.analytics.PageCount;
import dev.offload.consumers.handlers.index.SearchHit;
import dev.offload.consumers.handlers.index.SearchIndex;
import dev.offload.embedded.EmbeddedSmtp;
import dev.offload.runtime.http.HealthServer;
import dev.offload.runtime.http.Reply;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The handler workers' HTTP endpoints in {@code offload dev}, on a port of their own (the API
 * belongs to another role): {@code GET /v1/dev/mailbox} lists the mails the embedded SMTP server
 * received, {@code GET /v1/search?q=} queries the search index with highlights, {@code GET
 * /v1/analytics/pages?from=&to=} returns page views per path per minute. Answers are JSON.
 */
public final class WorkerHttpServer implements AutoCloseable {
  /** Hits returned by a search at most. */
  public static final int SEARCH_LIMIT = 20;

  private final HealthServer server;

  private WorkerHttpServer(HealthServer server) {
    this.server = server;
  }

  /** Serves the three endpoints on {@code port} of 127.0.0.1 (0 for a free port). */
  public static WorkerHttpServer start(
      int port, EmbeddedSmtp smtp, SearchIndex index, PageAnalytics analytics) {
    return new WorkerHttpServer(
        HealthServer.on("127.0.0.1", port)
            .route("/v1/dev/mailbox", query -> mailbox(smtp))
            .route("/v1/search", query -> search(index, query.get("q")))
            .route("/v1/analytics/pages", query -> pages(analytics, query))
            .start());
  }

  /** The port it listens on. */
  public int port() {
    return server.port();
  }

  /**
   * Each mail as a reader sees it: recipients, sender, subject, the decoded plain text ({@code
   * text}; {@code bodyExcerpt} is its start), when it was sent and the event it was sent for.
   */
  record Mail(
      String to,
      String from,
      String subject,
      String sentAt,
      String bodyExcerpt,
      String text,
      String eventId) {}

  /** The mailbox: how many mails arrived, and each of them. */
  record Mailbox(int count, List<Mail> mails) {}

  /** A search's answer. */
  record Search(String query, List<SearchHit> hits) {}

  /** Views of one path in one minute. */
  record Views(String path, String minute, long views) {}

  /** Page views between two instants. */
  record Pages(String from, String to, long total, List<Views> counts) {}

  private static Reply mailbox(EmbeddedSmtp smtp) {
    List<Mail> mails =
        smtp.received().stream()
            .map(
                m ->
                    new Mail(
                        m.to(),
                        m.from(),
                        m.subject(),
                        m.sentAt() == null ? null : m.sentAt().toString(),
                        m.bodyExcerpt(),
                        m.text(),
                        m.eventId()))
            .toList();
    return Reply.ok(new Mailbox(smtp.count(), mails));
  }

  private static Reply search(SearchIndex index, String q) {
    if (q == null || q.isBlank()) {
      return Reply.error(400, "q is required: /v1/search?q=words");
    }
    try {
      return Reply.ok(new Search(q, index.search(q, SEARCH_LIMIT)));
    } catch (IllegalArgumentException e) {
      return Reply.error(400, "q is not a valid query: " + e.getMessage());
    }
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
      return Reply.error(
          400, "from and to are ISO-8601 instants (2026-01-01T10:00:00Z): " + e.getParsedString());
    }
    if (from.isAfter(to)) {
      return Reply.error(400, "from must not be after to");
    }
    List<PageCount> counts = analytics.counts(from, to);
    long total = counts.stream().mapToLong(PageCount::views).sum();
    List<Views> views =
        counts.stream().map(c -> new Views(c.path(), c.minute().toString(), c.views())).toList();
    return Reply.ok(new Pages(from.toString(), to.toString(), total, views));
  }

  /** Stops serving. */
  @Override
  public void close() {
    server.close();
  }
}
