package dev.offload.ops.dashboard;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Role checks for the {@link OpsServer} when a role runs in another process. */
public final class RoleChecks {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  private RoleChecks() {}

  /**
   * A check that GETs {@code url} (a role's {@code /health/ready}) and is up on a 2xx answer within
   * 2 s; it throws, and so shows as DOWN with the reason, when the role cannot be reached.
   */
  public static BooleanSupplier http(URI url) {
    HttpRequest request = HttpRequest.newBuilder(url).timeout(TIMEOUT).GET().build();
    return () -> {
      try {
        int status = CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        return status >= 200 && status < 300;
      } catch (IOException e) {
        throw new IllegalStateException(url + " cannot be reached: " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while checking " + url, e);
      }
    };
  }
}
