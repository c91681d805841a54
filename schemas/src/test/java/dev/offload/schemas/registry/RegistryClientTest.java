package dev.offload.schemas.registry;

import static dev.offload.schemas.TestSchemas.profileV1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.offload.schemas.registry.FakeRegistryServer.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every REST call against answers recorded in the format of Confluent's API reference, served by a
 * JDK HTTP server: what the client sends, and how it reads the answer.
 */
class RegistryClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String V1 = "application/vnd.schemaregistry.v1+json";

  private final List<Duration> sleeps = new ArrayList<>();
  private FakeRegistryServer server;
  private RegistryClient client;

  @BeforeEach
  void start() throws Exception {
    server = FakeRegistryServer.start();
    client =
        client(
            RegistryClientConfig.builder(server.url())
                .basicAuthUser("alice")
                .basicAuthPassword("s3cret")
                .build());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void registerPostsTheSchemaAndReadsTheId() throws Exception {
    server.respond(200, "{\"id\":1}");

    assertThat(client.register("test", profileV1())).isEqualTo(1);

    Request request = server.onlyRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/subjects/test/versions");
    assertThat(request.contentType()).isEqualTo(V1);
    assertThat(request.accept()).startsWith(V1);
    assertThat(request.authorization()).isEqualTo("Basic YWxpY2U6czNjcmV0");
    assertSchemaBody(request, profileV1());
  }

  @Test
  void registeredIdsAndTheirSchemasAreCached() {
    server.respond(200, "{\"id\":7}");

    client.register("test", profileV1());
    client.register("test", profileV1());

    assertThat(client.getById(7)).isEqualTo(profileV1());
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void getByIdReadsTheSchemaOnceAndCachesIt() {
    server.respond(200, schemaJson(profileV1()));

    assertThat(client.getById(1)).isEqualTo(profileV1());
    assertThat(client.getById(1)).isEqualTo(profileV1());

    Request request = server.onlyRequest();
    assertThat(request.method()).isEqualTo("GET");
    assertThat(request.path()).isEqualTo("/schemas/ids/1");
    assertThat(request.contentType()).isNull();
  }

  @Test
  void lookupPostsToTheSubjectAndReadsTheVersion() throws Exception {
    server.respond(
        200,
        "{\"subject\":\"test\",\"id\":1,\"version\":3,\"schema\":"
            + JSON.writeValueAsString(profileV1().toString())
            + "}");

    SchemaVersion found = client.lookup("test", profileV1());

    assertThat(found).isEqualTo(new SchemaVersion("test", 3, 1, profileV1()));
    Request request = server.onlyRequest();
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/subjects/test");
    assertSchemaBody(request, profileV1());
  }

  @Test
  void subjectsAndVersionsAreListed() {
    server.respond(200, "[\"subject1\",\"subject2\"]").respond(200, "[1,2,3,4]");

    assertThat(client.subjects()).containsExactly("subject1", "subject2");
    assertThat(client.versions("test")).containsExactly(1, 2, 3, 4);

    assertThat(server.requests())
        .extracting(Request::method, Request::path)
        .containsExactly(tuple("GET", "/subjects"), tuple("GET", "/subjects/test/versions"));
  }

  @Test
  void latestAndNumberedVersionsAreFetched() throws Exception {
    String answer =
        "{\"subject\":\"test\",\"id\":9,\"version\":2,\"schema\":"
            + JSON.writeValueAsString(profileV1().toString())
            + "}";
    server.respond(200, answer).respond(200, answer);

    assertThat(client.latest("test").version()).isEqualTo(2);
    assertThat(client.version("test", 2).id()).isEqualTo(9);

    assertThat(server.requests())
        .extracting(Request::path)
        .containsExactly("/subjects/test/versions/latest", "/subjects/test/versions/2");
  }

  @Test
  void compatibilityTestAsksForVerboseMessages() throws Exception {
    server
        .respond(200, "{\"is_compatible\":true}")
        .respond(
            200,
            "{\"is_compatible\":false,\"messages\":[\"READER_FIELD_MISSING_DEFAULT_VALUE: age\"]}");

    assertThat(client.testCompatibility("test", profileV1()))
        .isEqualTo(CompatibilityResult.COMPATIBLE);
    CompatibilityResult refused = client.testCompatibility("test", profileV1());

    assertThat(refused.compatible()).isFalse();
    assertThat(refused.messages()).containsExactly("READER_FIELD_MISSING_DEFAULT_VALUE: age");
    Request request = server.requests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/compatibility/subjects/test/versions/latest");
    assertThat(request.query()).isEqualTo("verbose=true");
    assertSchemaBody(request, profileV1());
  }

  @Test
  void globalAndSubjectConfigAreReadAndWritten() throws Exception {
    server
        .respond(200, "{\"compatibilityLevel\":\"FULL\"}")
        .respond(200, "{\"compatibilityLevel\":\"BACKWARD_TRANSITIVE\"}")
        .respond(200, "{\"compatibility\":\"NONE\"}")
        .respond(200, "{\"compatibility\":\"FORWARD\"}");

    assertThat(client.compatibility()).isEqualTo(CompatibilityLevel.FULL);
    assertThat(client.compatibility("test")).isEqualTo(CompatibilityLevel.BACKWARD_TRANSITIVE);
    assertThat(client.setCompatibility(CompatibilityLevel.NONE)).isEqualTo(CompatibilityLevel.NONE);
    assertThat(client.setCompatibility("test", CompatibilityLevel.FORWARD))
        .isEqualTo(CompatibilityLevel.FORWARD);

    List<Request> requests = server.requests();
    assertThat(requests)
        .extracting(Request::method, Request::path, Request::query)
        .containsExactly(
            tuple("GET", "/config", null),
            tuple("GET", "/config/test", "defaultToGlobal=true"),
            tuple("PUT", "/config", null),
            tuple("PUT", "/config/test", null));
    assertThat(JSON.readTree(requests.get(2).body()))
        .isEqualTo(JSON.readTree("{\"compatibility\":\"NONE\"}"));
    assertThat(JSON.readTree(requests.get(3).body()))
        .isEqualTo(JSON.readTree("{\"compatibility\":\"FORWARD\"}"));
    assertThat(requests.get(3).contentType()).isEqualTo(V1);
  }

  @Test
  void deletesSubjectsAndVersionsAndForgetsCachedIds() {
    server
        .respond(200, "{\"id\":1}")
        .respond(200, "[1,2,3,4,5]")
        .respond(200, "{\"id\":1}")
        .respond(200, "1");

    client.register("test", profileV1());
    assertThat(client.deleteSubject("test")).containsExactly(1, 2, 3, 4, 5);
    client.register("test", profileV1());
    assertThat(client.deleteVersion("test", 1)).isEqualTo(1);

    assertThat(server.requests())
        .extracting(Request::method, Request::path)
        .containsExactly(
            tuple("POST", "/subjects/test/versions"),
            tuple("DELETE", "/subjects/test"),
            tuple("POST", "/subjects/test/versions"),
            tuple("DELETE", "/subjects/test/versions/1"));
  }

  @Test
  void subjectsArePercentEncodedInPaths() {
    server.respond(200, "[1]");

    client.versions("a b/c");

    assertThat(server.onlyRequest().path()).isEqualTo("/subjects/a%20b%2Fc/versions");
  }

  @Test
  void apicurioBasePathIsKept() {
    client = client(RegistryClientConfig.of(server.url() + "/apis/ccompat/v7/"));
    server.respond(200, "[]");

    client.subjects();

    assertThat(server.onlyRequest().path()).isEqualTo("/apis/ccompat/v7/subjects");
  }

  @Test
  void credentialsInTheUrlBecomeBasicAuth() {
    client = client(RegistryClientConfig.of(server.url().replace("://", "://alice:s3cret@")));
    server.respond(200, "[]");

    client.subjects();

    assertThat(server.onlyRequest().authorization()).isEqualTo("Basic YWxpY2U6czNjcmV0");
  }

  private RegistryClient client(RegistryClientConfig config) {
    return new RegistryClient(config, sleeps::add, () -> 0L);
  }

  private static void assertSchemaBody(Request request, Schema schema) throws Exception {
    JsonNode body = JSON.readTree(request.body());
    assertThat(body.get("schemaType").asText()).isEqualTo("AVRO");
    assertThat(new Schema.Parser().parse(body.get("schema").asText())).isEqualTo(schema);
    assertThat(body.size()).isEqualTo(2);
  }

  private static String schemaJson(Schema schema) {
    try {
      return "{\"schema\":" + JSON.writeValueAsString(schema.toString()) + "}";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
