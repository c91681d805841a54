package dev.offload.schemas.registry;

import dev.offload.schemas.Redacted;
import dev.offload.schemas.config.ConfigChecks;
import dev.offload.schemas.config.ConfigChecks.AtLeast;
import dev.offload.schemas.config.ConfigChecks.Nullable;
import dev.offload.schemas.config.ConfigChecks.Positive;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * How {@link RegistryClient} reaches the schema registry.
 *
 * <p>Credentials given as URL user-info ({@code https://user:secret@registry:8081}) are moved into
 * {@link #basicAuthUser()}/{@link #basicAuthPassword()} and removed from the URLs, so the URLs can
 * be logged. {@link #toString()} never shows the password.
 *
 * @param urls base URLs of the registry instances, tried in order with failover (at least one;
 *     {@code http} or {@code https}; may carry a base path, for example Apicurio's {@code
 *     /apis/ccompat/v7})
 * @param basicAuthUser user for HTTP basic authentication, {@code null} (the default) for none
 * @param basicAuthPassword password for HTTP basic authentication, set exactly when the user is
 * @param sslContext TLS context for {@code https} URLs (trust store, client certificate); {@code
 *     null} (the default) uses the JVM's default context
 * @param connectTimeout how long to wait for a TCP/TLS connection; default 5 s
 * @param requestTimeout how long to wait for an answer; default 10 s
 * @param maxRetries how often a request is retried after a 5xx answer or connection failure on
 *     every URL; 0 disables retries; default 3
 * @param retryBackoff delay before the first retry, doubled for each further one, with jitter;
 *     default 100 ms
 * @param retryBackoffMax upper bound of the delay between retries; default 2 s
 * @param cacheSize how many schemas by id, and ids by subject and schema, are kept; default 1000
 */
@RecordBuilder
public record RegistryClientConfig(
    List<URI> urls,
    @Nullable String basicAuthUser,
    @Nullable String basicAuthPassword,
    @Nullable SSLContext sslContext,
    @Positive Duration connectTimeout,
    @Positive Duration requestTimeout,
    @AtLeast(0) int maxRetries,
    @Positive Duration retryBackoff,
    @Positive Duration retryBackoffMax,
    @AtLeast(1) int cacheSize)
    implements ConfigChecks.Rules {
  /** Every component at its default, against a registry on {@code 127.0.0.1:8081}. */
  private static final RegistryClientConfig DEFAULTS =
      new RegistryClientConfig(
          List.of(URI.create("http://127.0.0.1:8081")),
          null,
          null,
          null,
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          3,
          Duration.ofMillis(100),
          Duration.ofSeconds(2),
          1000);

  /**
   * Validates the URLs and the login, naming the offending one, and moves URL credentials into the
   * login; {@link RegistryClient} checks the rest ({@link ConfigChecks#check}).
   */
  public RegistryClientConfig {
    if (urls == null || urls.isEmpty()) {
      throw new IllegalArgumentException("urls: at least one registry URL is required");
    }
    String userInfo = null;
    for (int i = 0; i < urls.size(); i++) {
      String credentials = requireHttpUrl(i, urls.get(i)).getUserInfo();
      if (credentials != null && userInfo != null && !credentials.equals(userInfo)) {
        throw new IllegalArgumentException("urls[" + i + "]: the URLs carry different credentials");
      }
      userInfo = credentials == null ? userInfo : credentials;
    }
    urls = urls.stream().map(url -> URI.create(withoutUserInfo(url))).toList();
    if (userInfo != null && basicAuthUser == null && basicAuthPassword == null) {
      int colon = userInfo.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("urls: credentials must read user:password");
      }
      basicAuthUser = userInfo.substring(0, colon);
      basicAuthPassword = userInfo.substring(colon + 1);
    }
    if ((basicAuthUser == null) != (basicAuthPassword == null)) {
      throw new IllegalArgumentException(
          "basicAuthPassword: user and password must be given together");
    }
    if (basicAuthUser != null && (basicAuthUser.isEmpty() || basicAuthUser.contains(":"))) {
      throw new IllegalArgumentException("basicAuthUser: must be non-empty and contain no ':'");
    }
  }

  /** Checks that the backoff's bound is not below its start. */
  @Override
  public void checkRules() {
    if (retryBackoffMax.compareTo(retryBackoff) < 0) {
      throw new IllegalArgumentException("retry-backoff-max must be at least retry-backoff");
    }
  }

  /**
   * A configuration with the defaults for the given base URLs.
   *
   * @throws IllegalArgumentException when a URL does not parse, naming it by index
   */
  public static RegistryClientConfig of(String... urls) {
    return builder(urls).build();
  }

  /**
   * A builder holding the defaults, for the given base URLs.
   *
   * @throws IllegalArgumentException when a URL does not parse, naming it by index
   */
  public static RegistryClientConfigBuilder builder(String... urls) {
    List<URI> parsed = new ArrayList<>();
    for (int i = 0; i < urls.length; i++) {
      try {
        parsed.add(new URI(urls[i]));
      } catch (URISyntaxException | NullPointerException e) {
        throw new IllegalArgumentException("urls[" + i + "]: not a URL", e);
      }
    }
    return RegistryClientConfigBuilder.builder(DEFAULTS).urls(parsed);
  }

  /** Every field but the password, which shows as {@code ****} when set. */
  @Override
  public String toString() {
    return Redacted.toString(this, "basicAuthPassword");
  }

  private static URI requireHttpUrl(int index, URI url) {
    if (url == null
        || !String.valueOf(url.getScheme()).matches("(?i)https?")
        || url.getHost() == null
        || url.getRawQuery() != null
        || url.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "urls["
              + index
              + "]: must be an http or https URL with a host and no query: "
              + withoutUserInfo(url));
    }
    return url;
  }

  /** The URL without credentials: as the client keeps it, and as a message shows it. */
  private static String withoutUserInfo(URI url) {
    if (url == null || url.getRawAuthority() == null) {
      return url == null ? "null" : url.getScheme() + ":...";
    }
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    return url.getScheme() + "://" + url.getRawAuthority().replaceFirst("^.*@", "") + path;
  }
}
