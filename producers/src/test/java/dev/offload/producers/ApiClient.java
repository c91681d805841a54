package dev.offload.producers;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A plain HTTP/1.1 client of one {@link IngestApi}, for integration tests. */
final class ApiClient {
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final IngestApi api;
  private final Consumer<HttpResponse<String>> onAnswer;

  ApiClient(IngestApi api) {
    this(api, answer -> {});
  }

  /** A client that hands every answer of a blocking call to {@code onAnswer} too. */
  ApiClient(IngestApi api, Consumer<HttpResponse<String>> onAnswer) {
    this.api = api;
    this.onAnswer = onAnswer;
  }

  HttpResponse<String> get(String path) throws Exception {
    return send(request(path).GET());
  }

  HttpResponse<String> delete(String path) throws Exception {
    return send(request(path).DELETE());
  }

  /** POSTs {@code body}; no {@code Content-Type} header when {@code contentType} is null. */
  HttpResponse<String> post(String path, String contentType, BodyPublisher body, String... headers)
      throws Exception {
    HttpRequest.Builder request = request(path).POST(body);
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(headers.length == 0 ? request : request.headers(headers));
  }

  HttpResponse<String> postJson(String path, String json, String... headers) throws Exception {
    return post(path, "application/json", BodyPublishers.ofString(json), headers);
  }

  /** POSTs {@code json} without waiting for the answer. */
  CompletableFuture<HttpResponse<String>> postJsonAsync(String path, String json) {
    HttpRequest request =
        request(path)
            .POST(BodyPublishers.ofString(json))
            .header("Content-Type", "application/json")
            .build();
    return HTTP.sendAsync(request, BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(api.baseUrl() + path)).timeout(Duration.ofSeconds(30));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> answer = HTTP.send(request.build(), BodyHandlers.ofString());
    onAnswer.accept(answer);
    return answer;
  }
}
