package dev.offload.ops.dashboard.internal;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard's files, served from the classpath and held in memory: the page, its script and
 * style from ops' resources, and uPlot from its WebJar, so the page needs no network beyond this
 * server. Only the files listed here are served; no path from a request reaches the class loader.
 */
public final class Assets {
  /** Where the page's own files are on the classpath. */
  private static final String PAGE = "dev/offload/ops/dashboard/";

  /** The uPlot WebJar's version, read from the jar itself so the pom is the one place it is set. */
  public static final String UPLOT_VERSION = webJarVersion("org.webjars.npm", "uplot");

  private static final String UPLOT =
      "META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/";

  private record Asset(Buffer body, String contentType) {}

  private final Map<String, Asset> byPath;

  private Assets(Map<String, Asset> byPath) {
    this.byPath = byPath;
  }

  /** Loads every file now, so a missing one fails the server's start, not a page view. */
  public static Assets load() {
    return new Assets(
        Map.of(
            "/dashboard", asset(PAGE + "index.html", "text/html; charset=utf-8"),
            "/dashboard/dashboard.js",
                asset(PAGE + "dashboard.js", "text/javascript; charset=utf-8"),
            "/dashboard/dashboard.css", asset(PAGE + "dashboard.css", "text/css; charset=utf-8"),
            "/journey", asset(PAGE + "journey.html", "text/html; charset=utf-8"),
            "/dashboard/journey.js", asset(PAGE + "journey.js", "text/javascript; charset=utf-8"),
            "/dashboard/dom.js", asset(PAGE + "dom.js", "text/javascript; charset=utf-8"),
            "/webjars/uplot/uPlot.iife.min.js",
                asset(UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"),
            "/webjars/uplot/uPlot.min.css",
                asset(UPLOT + "uPlot.min.css", "text/css; charset=utf-8")));
  }

  /** Adds a GET route for each file. */
  public void route(Router router) {
    byPath.forEach((path, asset) -> router.get(path).handler(ctx -> send(ctx, asset)));
  }

  private static void send(RoutingContext ctx, Asset asset) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType())
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .end(asset.body());
  }

  private static Asset asset(String resource, String contentType) {
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("dashboard file " + resource + " is not on the classpath");
      }
      return new Asset(Buffer.buffer(in.readAllBytes()), contentType);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dashboard file " + resource, e);
    }
  }

  private static String webJarVersion(String groupId, String artifactId) {
    String resource = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the " + artifactId + " WebJar is not on the classpath");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
