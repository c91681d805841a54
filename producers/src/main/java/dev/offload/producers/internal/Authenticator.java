package dev.offload.producers.internal;

import dev.offload.producers.ApiConfig;
import dev.offload.producers.ApiKeys;
import dev.offload.runtime.breaker.CircuitBreaker;
import dev.offload.runtime.ratelimit.TokenBucket;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells who sent a request from its {@code Authorization: Bearer <key>} header.
 *
 * <p>A key is looked up by its SHA-256 in {@code offload_producer_apps}; what was found (an app, a
 * revoked app, or nothing) is cached by hash for {@link ApiConfig.Auth#keyCacheTtl()}, so a revoked
 * or rotated key stops working within that time. Neither keys nor hashes are logged. Lookups go
 * through the database's circuit breaker; while it is open an uncached key is answered {@code 503}.
 *
 * <p>A key whose hash is not among those of every app's key, read at most once per {@link
 * #KNOWN_KEYS_REFRESH}, is refused without a query of its own once {@link
 * #UNSEEN_LOOKUPS_PER_SECOND} such keys have been looked up in the last second: a flood of made-up
 * keys costs the database a few small reads a second, not one per request, while a key created a
 * moment ago (rotated, say) works at once, or within {@link #KNOWN_KEYS_REFRESH} while such a flood
 * has the budget spent.
 */
public final class Authenticator {
  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);
  private static final String BEARER = "bearer ";
  private static final int MAX_CACHED = 10_000;
  private static final String SELECT =
      "SELECT name, event_types, revoked_at IS NOT NULL, key_hash FROM offload_producer_apps"
          + " WHERE key_hash = $1";

  private final Pool pool;
  private final CircuitBreaker breaker;
  private final ApiConfig.Auth auth;
  private final String keylessApp;
  private final LongSupplier nanoTime;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();
  private final ApiMetrics metrics;
  private final AtomicReference<Future<KnownKeys>> knownKeys = new AtomicReference<>();

  /** How old the hashes of all keys may be before a key not among them makes the API read again. */
  public static final Duration KNOWN_KEYS_REFRESH = Duration.ofSeconds(1);

  /** Lookups a second of keys that the hashes at hand do not know. */
  public static final int UNSEEN_LOOKUPS_PER_SECOND = 20;

  private final TokenBucket unseenLookups;

  private static final String SELECT_HASHES = "SELECT key_hash FROM offload_producer_apps";

  /** The hashes (hex) of every app's key, and when they were read. */
  private record KnownKeys(Set<String> hashes, long readAt) {}

  /** What a key stands for: an app, or {@code null} with the reason it is refused. */
  private record Cached(Caller caller, ApiError refusal, long expiresAt) {}

  /**
   * @param keylessApp the app of requests without a key, when keys are optional
   */
  public Authenticator(
      Pool pool,
      CircuitBreaker breaker,
      ApiConfig.Auth auth,
      String keylessApp,
      LongSupplier nanoTime,
      ApiMetrics metrics) {
    this.metrics = metrics;
    this.unseenLookups =
        new TokenBucket(UNSEEN_LOOKUPS_PER_SECOND, UNSEEN_LOOKUPS_PER_SECOND, nanoTime);
    this.pool = pool;
    this.breaker = breaker;
    this.auth = auth;
    this.keylessApp = keylessApp;
    this.nanoTime = nanoTime;
  }

  /**
   * The caller of a request with these {@code Authorization} headers; fails with a {@link
   * RejectedRequest}: {@code 401} for a missing (when required), malformed, unknown or revoked key,
   * {@code 503} when the database cannot tell.
   */
  public Future<Caller> authenticate(List<String> authorization) {
    if (authorization.isEmpty()) {
      return auth.required()
          ? Future.failedFuture(new RejectedRequest(ApiError.missingApiKey()))
          : Future.succeededFuture(Caller.anyType(keylessApp));
    }
    if (authorization.size() > 1) {
      return refuse(ApiError.invalidApiKey("send one Authorization header, not several"));
    }
    String header = authorization.get(0).trim();
    if (!header.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
      return refuse(ApiError.invalidApiKey("the Authorization header must be 'Bearer <key>'"));
    }
    String key = header.substring(BEARER.length()).trim();
    if (!ApiKeys.isWellFormed(key)) {
      return refuse(ApiError.invalidApiKey("the API key is not valid"));
    }
    byte[] hash = ApiKeys.hash(key);
    String cacheKey = HexFormat.of().formatHex(hash);
    Cached cached = cache.get(cacheKey);
    long now = nanoTime.getAsLong();
    if (cached != null && now - cached.expiresAt() < 0) {
      return answer(cached);
    }
    return knownKeys(cacheKey)
        .compose(
            known ->
                known.hashes().contains(cacheKey) || unseenLookups.tryTake(1) == 0
                    ? lookUp(hash, cacheKey)
                    : answer(unknown()));
  }

  /**
   * The hashes of every key, read again when those at hand are missing {@code cacheKey} and older
   * than {@link #KNOWN_KEYS_REFRESH}; concurrent requests share one read.
   */
  private Future<KnownKeys> knownKeys(String cacheKey) {
    while (true) {
      Future<KnownKeys> current = knownKeys.get();
      if (current != null && !current.isComplete()) {
        return current;
      }
      if (current != null && current.succeeded()) {
        KnownKeys known = current.result();
        boolean fresh = nanoTime.getAsLong() - known.readAt() < KNOWN_KEYS_REFRESH.toNanos();
        if (fresh || known.hashes().contains(cacheKey)) {
          return current;
        }
      }
      Promise<KnownKeys> reading = Promise.promise();
      if (knownKeys.compareAndSet(current, reading.future())) {
        readKnownKeys().onComplete(reading);
        return reading.future();
      }
    }
  }

  private Future<KnownKeys> readKnownKeys() {
    long readAt = nanoTime.getAsLong();
    return query(
        "known-keys",
        () -> pool.query(SELECT_HASHES).execute(),
        rows -> {
          Set<String> hashes = new HashSet<>();
          for (Row row : rows) {
            hashes.add(HexFormat.of().formatHex(row.getBuffer(0).getBytes()));
          }
          return new KnownKeys(Set.copyOf(hashes), readAt);
        });
  }

  private Future<Caller> lookUp(byte[] hash, String cacheKey) {
    return query(
            "key",
            () -> pool.preparedQuery(SELECT).execute(Tuple.of(Buffer.buffer(hash))),
            rows -> {
              RowIterator<Row> found = rows.iterator();
              Cached cached = found.hasNext() ? found(found.next(), hash) : unknown();
              remember(cacheKey, cached);
              return cached;
            })
        .compose(Authenticator::answer);
  }

  /**
   * Runs a key query through the database's breaker, counted as {@code name}: a failed query, or an
   * open breaker, fails with {@code 503}.
   */
  private <T> Future<T> query(
      String name, Supplier<Future<RowSet<Row>>> run, Function<RowSet<Row>, T> onRows) {
    if (!breaker.tryAcquire()) {
      return Future.failedFuture(
          new RejectedRequest(ApiError.databaseUnavailable(breaker.retryAfterSeconds())));
    }
    metrics.countKeyQuery(name);
    return run.get()
        .transform(
            done -> {
              if (done.failed()) {
                breaker.onSinkFailure();
                log.warn("API key lookup failed, answering 503: {}", done.cause().toString());
                return Future.failedFuture(
                    new RejectedRequest(
                        ApiError.databaseUnavailable(ApiError.RETRY_AFTER_SECONDS)));
              }
              breaker.onSuccess();
              return Future.succeededFuture(onRows.apply(done.result()));
            });
  }

  private Cached found(Row row, byte[] hash) {
    long expires =
        nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(auth.keyCacheTtl().toMillis());
    // The row was found by this hash; the constant-time comparison keeps it so if the query
    // changes.
    if (!MessageDigest.isEqual(row.getBuffer(3).getBytes(), hash)) {
      return unknown();
    }
    if (row.getBoolean(2)) {
      return new Cached(null, ApiError.revokedApiKey(), expires);
    }
    String[] types = row.getArrayOfStrings(1);
    Set<String> allowed = Set.of(types);
    Caller caller =
        allowed.contains("*")
            ? Caller.anyType(row.getString(0))
            : new Caller(row.getString(0), allowed);
    return new Cached(caller, null, expires);
  }

  private Cached unknown() {
    long expires =
        nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(auth.keyCacheTtl().toMillis());
    return new Cached(null, ApiError.invalidApiKey("the API key is not valid"), expires);
  }

  private void remember(String cacheKey, Cached found) {
    if (cache.size() >= MAX_CACHED) {
      long now = nanoTime.getAsLong();
      cache.values().removeIf(c -> now - c.expiresAt() >= 0);
      if (cache.size() >= MAX_CACHED) {
        cache.clear();
      }
    }
    cache.put(cacheKey, found);
  }

  private static Future<Caller> answer(Cached cached) {
    return cached.caller() != null
        ? Future.succeededFuture(cached.caller())
        : refuse(cached.refusal());
  }

  private static Future<Caller> refuse(ApiError error) {
    return Future.failedFuture(new RejectedRequest(error));
  }
}
