package dev.offload.schemas.registry;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one REST call to the registry: failover across the base URLs, bounded retries with
 * exponential backoff and jitter on 5xx answers and connection failures only.
 */
final class RegistryHttp {
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9,"
          + " application/json; qs=0.5";

  private static final Logger LOG = LoggerFactory.getLogger(RegistryHttp.class);

  private final RegistryClientConfig config;
  private final HttpClient client;
  private final String authorization;
  private final RegistryClient.Sleeper sleeper;
  private final RandomGenerator random;

  /** Index of the URL that answered last; requests start there. */
  private volatile int preferred;

  RegistryHttp(
      RegistryClientConfig config, RegistryClient.Sleeper sleeper, RandomGenerator random) {
    this.config = config;
    this.sleeper = sleeper;
    this.random = random;
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(config.connectTimeout());
    if (config.sslContext() != null) {
      builder.sslContext(config.sslContext());
    }
    this.client = builder.build();
    this.authorization =
        config.basicAuthUser() == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (config.basicAuthUser() + ":" + config.basicAuthPassword())
                            .getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Sends the request and returns the body of its 2xx answer.
   *
   * @param body JSON, or {@code null} for none
   * @throws RegistryException for a 4xx answer at once, for 5xx and connection failures once the
   *     retries are spent
   */
  String send(String method, String path, String body) throws InterruptedException {
    RegistryException last = null;
    for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
      if (attempt > 0) {
        Duration delay = backoff(attempt);
        LOG.warn(
            "Schema registry {} {} failed ({}); retry {} of {} in {} ms",
            method,
            path,
            last.getMessage(),
            attempt,
            config.maxRetries(),
            delay.toMillis());
        sleeper.sleep(delay);
      }
      List<URI> urls = config.urls();
      int start = preferred;
      for (int i = 0; i < urls.size(); i++) {
        int index = (start + i) % urls.size();
        try {
          return sendOnce(urls.get(index), method, path, body, index);
        } catch (RegistryException e) {
          if (!shouldRetry(e)) {
            throw e;
          }
          LOG.debug("Schema registry {} failed, trying the next URL", urls.get(index), e);
          last = e;
        }
      }
    }
    throw last;
  }

  /** Delay before retry {@code attempt} (from 1): exponential, capped, the upper half jittered. */
  Duration backoff(int attempt) {
    long base = config.retryBackoff().toMillis();
    long max = config.retryBackoffMax().toMillis();
    int shift = Math.min(attempt - 1, 62);
    long capped = base > (max >> shift) ? max : base << shift;
    long half = capped / 2;
    return Duration.ofMillis(half + (long) (random.nextDouble() * (capped - half)));
  }

  private String sendOnce(URI base, String method, String path, String body, int index)
      throws InterruptedException {
    HttpResponse<String> response;
    try {
      response = client.send(request(base, method, path, body), BodyHandlers.ofString());
    } catch (IOException e) {
      String what = isConnectFailure(e) ? "cannot connect to schema registry " : "I/O error on ";
      throw new RegistryException(what + base + " for " + method + " " + path + ": " + e, e);
    }
    int status = response.statusCode();
    if (status < 500) {
      preferred = index;
    }
    if (status >= 200 && status < 300) {
      return response.body();
    }
    throw RegistryJson.error(status, response.body());
  }

  /** Only a 5xx answer or a failed connection is retried; every registry call is idempotent. */
  private static boolean shouldRetry(RegistryException e) {
    return e.httpStatus() >= 500 || (e.httpStatus() == 0 && isConnectFailure(e.getCause()));
  }

  private static boolean isConnectFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof HttpConnectTimeoutException
          || t instanceof UnresolvedAddressException) {
        return true;
      }
    }
    return false;
  }

  private HttpRequest request(URI base, String method, String path, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(stripSlash(base.toString()) + path))
            .timeout(config.requestTimeout())
            .header("Accept", ACCEPT)
            .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", CONTENT_TYPE);
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request.build();
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
