package dev.offload.bench.internal.demo;

import static dev.offload.bench.internal.pipeline.EventMix.scramble;

import dev.offload.bench.internal.pipeline.EventMix;
import dev.offload.schemas.BuiltInEventTypes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * The events of {@code offload demo}: event number {@code seq} is a page view (65 %), a document
 * change (20 %) or a sign-up (15 %), the same for the same number. The first three are one of each,
 * so every worker has something to do at once. Sign-ups carry plausible names and addresses, a
 * dozen documents are edited again and again, and views go over a site's paths by fifty users.
 *
 * <p>Event {@value #INVALID_AT} and every {@value #INVALID_EVERY}th after it is a sign-up whose
 * address lacks its {@code @}: valid by the schema, so the API accepts it, but the email worker
 * cannot send it and dead-letters it at once, so a dead letter shows on the dashboard.
 */
public final class DemoEvents {
  /** One event in this many is invalid. */
  public static final int INVALID_EVERY = 200;

  /** The number of the first invalid event: a few seconds after the start at the default rate. */
  public static final int INVALID_AT = 25;

  private static final int USERS = 50;
  // The draws of events 0, 1 and 2: a sign-up, a document change, a page view.
  private static final long[] OPENING = {90, 70, 0};
  private static final List<String> FIRST =
      List.of(
          "Ada",
          "Grace",
          "Alan",
          "Edsger",
          "Barbara",
          "Donald",
          "Frances",
          "John",
          "Margaret",
          "Ken",
          "Radia",
          "Tim",
          "Katherine",
          "Dennis",
          "Hedy",
          "Niklaus",
          "Sophie",
          "Linus",
          "Annie",
          "Leslie");
  private static final List<String> LAST =
      List.of(
          "Lovelace",
          "Hopper",
          "Turing",
          "Dijkstra",
          "Liskov",
          "Knuth",
          "Allen",
          "Backus",
          "Hamilton",
          "Thompson",
          "Perlman",
          "Berners-Lee",
          "Johnson",
          "Ritchie",
          "Lamarr",
          "Wirth",
          "Wilson",
          "Torvalds",
          "Easley",
          "Lamport");
  private static final List<String> DOMAINS = List.of("example.com", "example.org", "example.net");
  private static final List<String> PATHS =
      List.of(
          "/",
          "/pricing",
          "/signup",
          "/login",
          "/docs/getting-started",
          "/docs/events",
          "/docs/workers",
          "/blog/kestrels-at-dawn",
          "/blog/outbox-pattern",
          "/account/settings",
          "/search",
          "/about");
  private static final List<Document> DOCUMENTS =
      List.of(
          new Document(
              "Quarterly kestrel report",
              "Kestrels hover before they dive; counts rose along the river this quarter.",
              "birds"),
          new Document(
              "Onboarding checklist",
              "Create an account, confirm the welcome mail, then publish your first event.",
              "guide"),
          new Document(
              "Release notes 2.4",
              "Batches of up to 500 events, faster retries, and a quieter dashboard.",
              "release"),
          new Document(
              "Incident review: slow mail",
              "The SMTP relay throttled us for twenty minutes; retries delivered every mail.",
              "ops"),
          new Document(
              "Pricing FAQ",
              "Plans are billed monthly; page views are free, mails are counted per recipient.",
              "sales"),
          new Document(
              "Garden planting calendar",
              "Sow beans in May, tomatoes after the last frost, garlic in October.",
              "garden"),
          new Document(
              "Team offsite agenda",
              "Morning walk by the lake, afternoon planning, dinner at the old mill.",
              "team"),
          new Document(
              "API style guide",
              "Resources are nouns, errors name the field, and every change is versioned.",
              "guide"),
          new Document(
              "Lighthouse restoration",
              "The lens was cleaned and the lamp room repainted before the winter storms.",
              "history"),
          new Document(
              "Sourdough notes",
              "Feed the starter twice a day; a longer proof gives a more open crumb.",
              "kitchen"),
          new Document(
              "Security checklist",
              "Rotate API keys every quarter and revoke the ones nobody uses.",
              "ops"),
          new Document(
              "Customer interview: bakery",
              "They want order confirmations in under a minute, even on busy Saturdays.",
              "sales"));

  private record Document(String title, String body, String tag) {}

  /** Event number {@code seq}. */
  public EventMix.Request request(long seq) {
    if (seq % INVALID_EVERY == INVALID_AT) {
      return signUp(seq, false);
    }
    long draw =
        seq < OPENING.length ? OPENING[(int) seq] : Long.remainderUnsigned(scramble(seq), 100);
    if (draw < 65) {
      return pageView(seq);
    }
    if (draw < 85) {
      return document(seq);
    }
    return signUp(seq, true);
  }

  /** Whether event number {@code seq} is one the workers dead-letter. */
  public static boolean isInvalid(long seq) {
    return seq % INVALID_EVERY == INVALID_AT;
  }

  private EventMix.Request signUp(long seq, boolean valid) {
    long r = scramble(seq ^ 0x2545F4914F6CDD1DL);
    String first = pick(FIRST, r);
    String last = pick(LAST, r >>> 16);
    String local = (first + "." + last).toLowerCase(Locale.ROOT).replace("-", "");
    String domain = pick(DOMAINS, r >>> 32);
    // An address whose @ was typed as a dot: a string, as the schema asks, but no address.
    String email = local + (valid ? "@" : ".") + domain;
    String userId = "user-" + (1000 + seq);
    JsonObject data =
        new JsonObject().put("userId", userId).put("email", email).put("name", first + " " + last);
    return request(BuiltInEventTypes.USER_SIGNED_UP.type(), userId, data);
  }

  private EventMix.Request document(long seq) {
    long r = scramble(seq ^ 0x9E3779B97F4A7C15L);
    // The opening document is the first, so a search for "kestrel" finds it from the start.
    int n = seq < OPENING.length ? 0 : (int) Long.remainderUnsigned(r, DOCUMENTS.size());
    Document d = DOCUMENTS.get(n);
    String id = "doc-" + (n + 1);
    JsonObject data =
        new JsonObject()
            .put("id", id)
            .put("title", d.title())
            .put("body", d.body() + " Revision " + seq + ".")
            .put("tags", new JsonArray().add(d.tag()));
    return request(BuiltInEventTypes.DOCUMENT_CHANGED.type(), id, data);
  }

  private EventMix.Request pageView(long seq) {
    long r = scramble(seq ^ 0x5bd1e995L);
    String user = "user-" + (1 + Long.remainderUnsigned(r, USERS));
    JsonObject data =
        new JsonObject()
            .put("userId", user)
            .put("path", pick(PATHS, r >>> 20))
            .put("durationMs", 400 + Long.remainderUnsigned(r >>> 8, 30_000));
    return request(BuiltInEventTypes.PAGE_VIEWED.type(), user, data);
  }

  private static String pick(List<String> from, long r) {
    return from.get((int) Long.remainderUnsigned(r, from.size()));
  }

  private static EventMix.Request request(String type, String key, JsonObject data) {
    String json = new JsonObject().put("key", key).put("data", data).encode();
    return new EventMix.Request(type, key, "/v1/events/" + type, json);
  }
}
