package dev.offload.producers.internal;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The API's description: {@code GET /openapi.yaml} (the hand-written OpenAPI 3 document) and {@code
 * GET /docs}, the document rendered by Swagger UI, whose files come from the {@code
 * org.webjars:swagger-ui} WebJar on the classpath, so the page needs no network beyond this server.
 * Every file is loaded at start; only the files listed here are served, no path from a request
 * reaches the class loader.
 */
public final class DocsHandler {
  /** Path of the OpenAPI document. */
  public static final String OPENAPI_PATH = "/openapi.yaml";

  /** Path of the rendered documentation. */
  public static final String DOCS_PATH = "/docs";

  /** Route of the Swagger UI files, in the router's syntax. */
  public static final String ASSET_PATH = "/docs/:asset";

  /** The same route as a template. */
  public static final String ASSET_ROUTE = "/docs/{asset}";

  /** Where the OpenAPI document is on the classpath. */
  public static final String OPENAPI_RESOURCE = "dev/offload/producers/openapi.yaml";

  private static final String SWAGGER_VERSION = webJarVersion("org.webjars", "swagger-ui");
  private static final String SWAGGER = "META-INF/resources/webjars/swagger-ui/" + SWAGGER_VERSION;

  private record Asset(Buffer body, String contentType) {}

  private final Asset openApi;
  private final Asset page;
  private final Map<String, Asset> assets;
  private final Replies replies;

  private DocsHandler(Asset openApi, Asset page, Map<String, Asset> assets, Replies replies) {
    this.openApi = openApi;
    this.page = page;
    this.assets = assets;
    this.replies = replies;
  }

  /** Loads every file now, so a missing one fails the start, not a page view. */
  public static DocsHandler load(Replies replies) {
    return new DocsHandler(
        load(OPENAPI_RESOURCE, "application/yaml; charset=utf-8"),
        load("dev/offload/producers/docs.html", "text/html; charset=utf-8"),
        Map.of(
            "swagger-ui.css",
            load(SWAGGER + "/swagger-ui.css", "text/css; charset=utf-8"),
            "swagger-ui-bundle.js",
            load(SWAGGER + "/swagger-ui-bundle.js", "text/javascript; charset=utf-8"),
            "favicon-32x32.png",
            load(SWAGGER + "/favicon-32x32.png", "image/png")),
        replies);
  }

  /** The version of Swagger UI served, read from its WebJar. */
  public static String swaggerUiVersion() {
    return SWAGGER_VERSION;
  }

  /** {@code GET /openapi.yaml}. */
  public void openApi(RoutingContext ctx) {
    send(ctx, openApi);
  }

  /** {@code GET /docs}. */
  public void page(RoutingContext ctx) {
    send(ctx, page);
  }

  /** {@code GET /docs/{asset}}: one of the Swagger UI files, else 404. */
  public void asset(RoutingContext ctx) {
    Asset asset = assets.get(ctx.pathParam("asset"));
    if (asset == null) {
      replies.error(ctx, ApiError.notFound(ctx.request().path()));
      return;
    }
    send(ctx, asset);
  }

  private static void send(RoutingContext ctx, Asset asset) {
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType())
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .end(asset.body());
  }

  private static Asset load(String resource, String contentType) {
    try (InputStream in = DocsHandler.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("API documentation file " + resource + " is missing");
      }
      return new Asset(Buffer.buffer(in.readAllBytes()), contentType);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private static String webJarVersion(String groupId, String artifactId) {
    String resource = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
    try (InputStream in = DocsHandler.class.getClassLoader().getResourceAsStream(resource)) {
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
