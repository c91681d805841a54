package dev.offload.embedded.registry.internal;

import static dev.offload.embedded.registry.internal.RegistryRequests.LATEST;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.schemas.registry.CompatibilityLevel;
import dev.offload.schemas.registry.CompatibilityResult;
import dev.offload.schemas.registry.RegistryException;
import dev.offload.schemas.registry.SchemaVersion;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent Schema Registry REST API v1 subset that Offload serves, over a {@link
 * KafkaSchemaRegistry}. Handlers run on worker threads: a write waits for Kafka.
 */
public final class RegistryRoutes {
  private static final Logger log = LoggerFactory.getLogger(RegistryRoutes.class);
  private static final long MAX_BODY_BYTES = 16L * 1024 * 1024;

  private final KafkaSchemaRegistry registry;

  private RegistryRoutes(KafkaSchemaRegistry registry) {
    this.registry = registry;
  }

  /** The router of every endpoint, with Confluent's error bodies for unknown paths and methods. */
  public static Router router(Vertx vertx, KafkaSchemaRegistry registry) {
    RegistryRoutes routes = new RegistryRoutes(registry);
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(MAX_BODY_BYTES));
    router.route().handler(RegistryRoutes::requireJsonBody);
    routes.get(router, "/", ctx -> RegistryReplies.object());
    routes.get(router, "/schemas/types", ctx -> List.of("AVRO"));
    routes.get(router, "/schemas/ids/:id", routes::schemaById);
    routes.get(router, "/schemas/ids/:id/schema", ctx -> RegistryReplies.raw(routes.byId(ctx)));
    routes.get(router, "/schemas/ids/:id/versions", routes::usages);
    routes.get(
        router, "/subjects", ctx -> registry.subjects(RegistryRequests.flag(ctx, "deleted")));
    routes.on(router, HttpMethod.POST, "/subjects/:subject", routes::lookup);
    routes.on(router, HttpMethod.DELETE, "/subjects/:subject", routes::deleteSubject);
    routes.get(router, "/subjects/:subject/versions", ctx -> registry.versions(subject(ctx)));
    routes.on(router, HttpMethod.POST, "/subjects/:subject/versions", routes::register);
    routes.get(router, "/subjects/:subject/versions/:version", ctx -> version(routes.resolve(ctx)));
    routes.get(
        router,
        "/subjects/:subject/versions/:version/schema",
        ctx -> RegistryReplies.raw(routes.resolve(ctx).schema()));
    routes.on(
        router, HttpMethod.DELETE, "/subjects/:subject/versions/:version", routes::deleteVersion);
    routes.on(
        router,
        HttpMethod.POST,
        "/compatibility/subjects/:subject/versions/:version",
        routes::test);
    routes.get(router, "/config", ctx -> level("compatibilityLevel", registry.compatibility()));
    routes.on(router, HttpMethod.PUT, "/config", routes::setGlobalLevel);
    routes.get(router, "/config/:subject", routes::subjectLevel);
    routes.on(router, HttpMethod.PUT, "/config/:subject", routes::setSubjectLevel);
    router.errorHandler(404, ctx -> RegistryReplies.error(ctx, 404, 404, "HTTP 404 Not Found"));
    router.errorHandler(
        405, ctx -> RegistryReplies.error(ctx, 405, 405, "HTTP 405 Method Not Allowed"));
    return router;
  }

  private Object register(RoutingContext ctx) {
    Schema schema = RegistryRequests.schema(ctx);
    return RegistryReplies.object().put("id", registry.register(subject(ctx), schema));
  }

  private Object lookup(RoutingContext ctx) {
    Schema schema = RegistryRequests.schema(ctx);
    return version(registry.lookup(subject(ctx), schema));
  }

  private Object schemaById(RoutingContext ctx) {
    return RegistryReplies.object().put("schema", byId(ctx).toString());
  }

  private Schema byId(RoutingContext ctx) {
    return registry.getById(RegistryRequests.id(ctx));
  }

  private Object usages(RoutingContext ctx) {
    ArrayNode usages = RegistryReplies.object().arrayNode();
    for (SchemaVersion usage : registry.usages(RegistryRequests.id(ctx))) {
      usages.addObject().put("subject", usage.subject()).put("version", usage.version());
    }
    return usages;
  }

  private SchemaVersion resolve(RoutingContext ctx) {
    int version = RegistryRequests.version(ctx);
    String subject = subject(ctx);
    return version == LATEST ? registry.latest(subject) : registry.version(subject, version);
  }

  private Object deleteSubject(RoutingContext ctx) {
    if (RegistryRequests.flag(ctx, "permanent")) {
      throw new RegistryException(
          "Permanent deletion is not supported: this registry only soft-deletes, so schema ids"
              + " stay readable and are never given again",
          422,
          RegistryErrors.OPERATION_NOT_PERMITTED);
    }
    return registry.deleteSubject(subject(ctx));
  }

  private Object deleteVersion(RoutingContext ctx) {
    return registry.deleteVersion(subject(ctx), resolve(ctx).version());
  }

  private Object test(RoutingContext ctx) {
    int version = RegistryRequests.version(ctx);
    Schema schema = RegistryRequests.schema(ctx);
    String subject = subject(ctx);
    CompatibilityResult result =
        version == LATEST
            ? registry.testCompatibility(subject, schema)
            : registry.testCompatibility(subject, schema, version);
    ObjectNode body = RegistryReplies.object().put("is_compatible", result.compatible());
    if (RegistryRequests.flag(ctx, "verbose")) {
      ArrayNode messages = body.putArray("messages");
      result.messages().forEach(messages::add);
    }
    return body;
  }

  private Object setGlobalLevel(RoutingContext ctx) {
    return level("compatibility", registry.setCompatibility(RegistryRequests.level(ctx)));
  }

  private Object subjectLevel(RoutingContext ctx) {
    String subject = subject(ctx);
    CompatibilityLevel level =
        RegistryRequests.flag(ctx, "defaultToGlobal")
            ? registry.compatibility(subject)
            : registry
                .subjectLevel(subject)
                .orElseThrow(() -> RegistryErrors.subjectLevelNotConfigured(subject));
    return level("compatibilityLevel", level);
  }

  private Object setSubjectLevel(RoutingContext ctx) {
    CompatibilityLevel level = RegistryRequests.level(ctx);
    return level("compatibility", registry.setCompatibility(subject(ctx), level));
  }

  private static ObjectNode level(String field, CompatibilityLevel level) {
    return RegistryReplies.object().put(field, level.name());
  }

  private static ObjectNode version(SchemaVersion version) {
    return RegistryReplies.version(version);
  }

  private static String subject(RoutingContext ctx) {
    return RegistryRequests.subject(ctx);
  }

  private void get(Router router, String path, Function<RoutingContext, Object> handler) {
    on(router, HttpMethod.GET, path, handler);
  }

  private void on(
      Router router, HttpMethod method, String path, Function<RoutingContext, Object> handler) {
    router.route(method, path).blockingHandler(ctx -> answer(ctx, handler), false);
  }

  private static void answer(RoutingContext ctx, Function<RoutingContext, Object> handler) {
    try {
      RegistryReplies.ok(ctx, handler.apply(ctx));
    } catch (RegistryException e) {
      if (e.httpStatus() >= 500) {
        log.warn(
            "{} {} failed: {}", ctx.request().method(), ctx.request().path(), e.getMessage(), e);
      }
      RegistryReplies.error(ctx, e);
    } catch (RuntimeException e) {
      log.error("{} {} failed", ctx.request().method(), ctx.request().path(), e);
      RegistryReplies.error(ctx, 500, RegistryException.STORE_ERROR, "Internal server error: " + e);
    }
  }

  /** Refuses a body that is not JSON with 415, as Confluent does. */
  private static void requireJsonBody(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    boolean hasBody =
        ctx.request().method() == HttpMethod.POST || ctx.request().method() == HttpMethod.PUT;
    if (hasBody
        && type != null
        && RegistryReplies.REQUEST_TYPES.stream().noneMatch(type::startsWith)) {
      RegistryReplies.error(ctx, 415, 415, "HTTP 415 Unsupported Media Type");
      return;
    }
    ctx.next();
  }
}
