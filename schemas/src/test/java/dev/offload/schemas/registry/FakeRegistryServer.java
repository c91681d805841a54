package dev.offload.schemas.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/**
 * A JDK HTTP server on 127.0.0.1 that answers scripted Confluent-style responses in order and
 * records every request, so a test can assert what the client sent.
 */
final class FakeRegistryServer implements AutoCloseable {
  /** One request as the server saw it. */
  record Request(
      String method,
      String path,
      String query,
      String contentType,
      String accept,
      String authorization,
      String body) {}

  private record Response(int status, String body) {}

  private final HttpServer server;
  private final String scheme;
  private final Deque<Response> responses = new ConcurrentLinkedDeque<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private FakeRegistryServer(HttpServer server, String scheme) {
    this.server = server;
    this.scheme = scheme;
    server.createContext("/", this::handle);
    server.start();
  }

  static FakeRegistryServer start() throws IOException {
    return new FakeRegistryServer(HttpServer.create(address(), 0), "http");
  }

  static FakeRegistryServer startHttps(SSLContext context) throws IOException {
    HttpsServer server = HttpsServer.create(address(), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(context));
    return new FakeRegistryServer(server, "https");
  }

  /** Queues the next answer. */
  FakeRegistryServer respond(int status, String body) {
    responses.add(new Response(status, body));
    return this;
  }

  String url() {
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  URI uri() {
    return URI.create(url());
  }

  List<Request> requests() {
    return new ArrayList<>(requests);
  }

  Request onlyRequest() {
    if (requests.size() != 1) {
      throw new AssertionError("expected exactly one request, got " + requests);
    }
    return requests.get(0);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              exchange.getRequestURI().getRawQuery(),
              exchange.getRequestHeaders().getFirst("Content-Type"),
              exchange.getRequestHeaders().getFirst("Accept"),
              exchange.getRequestHeaders().getFirst("Authorization"),
              body));
      Response response = responses.poll();
      if (response == null) {
        response = new Response(500, "{\"error_code\":50001,\"message\":\"nothing scripted\"}");
      }
      byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
      exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        exchange.getResponseBody().write(bytes);
      }
    }
  }

  private static InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }
}
