package dev.offload.embedded.registry;

import static dev.offload.embedded.registry.RawHttp.levelBody;
import static dev.offload.embedded.registry.RawHttp.schemaBody;
import static dev.offload.embedded.registry.TestSchemas.EMAIL;
import static dev.offload.embedded.registry.TestSchemas.EMAIL_WITH_DEFAULT;
import static dev.offload.embedded.registry.TestSchemas.ID;
import static dev.offload.embedded.registry.TestSchemas.ID_AS_INT;
import static dev.offload.embedded.registry.TestSchemas.NAME;
import static dev.offload.embedded.registry.TestSchemas.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.embedded.Infrastructure;
import dev.offload.embedded.junit.SharedInfrastructure;
import dev.offload.embedded.junit.TestNames;
import dev.offload.embedded.registry.RawHttp.Response;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Compatibility levels are enforced on register, the 409 lists every incompatibility, and the
 * config and compatibility-test endpoints answer as Confluent's do.
 */
@ExtendWith(SharedInfrastructure.class)
class RegistryCompatibilityIT {
  private SchemaRegistryServer server;
  private RawHttp http;

  @BeforeEach
  void start(Infrastructure infrastructure) {
    server = Registries.start(infrastructure, TestNames.topic("schemas"));
    http = new RawHttp(server.url());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void backwardIsTheDefaultAndRefusesANewFieldWithoutDefault() {
    assertThat(http.get("/config").json().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
    register("s", user(ID));

    Response refused = http.post("/subjects/s/versions", schemaBody(user(ID, EMAIL)));

    assertIncompatible(refused, "READER_FIELD_MISSING_DEFAULT_VALUE", "email");
    assertThat(refused.message()).contains("\"s\"");
    assertThat(register("s", user(ID, EMAIL_WITH_DEFAULT)).status()).isEqualTo(200);
    assertThat(http.get("/subjects/s/versions").json().toString()).isEqualTo("[1,2]");
  }

  @Test
  void forwardRefusesRemovingAFieldTheOldSchemaNeeds() {
    setLevel("s", "FORWARD");
    register("s", user(ID, NAME));

    assertIncompatible(
        http.post("/subjects/s/versions", schemaBody(user(ID))),
        "READER_FIELD_MISSING_DEFAULT_VALUE",
        "name");
    assertThat(register("s", user(ID, NAME, EMAIL)).status())
        .as("old readers ignore a new field")
        .isEqualTo(200);
  }

  @Test
  void fullRefusesBothDirectionsAndListsEveryIncompatibility() {
    setLevel("s", "FULL");
    register("s", user(ID, NAME));

    Response refused = http.post("/subjects/s/versions", schemaBody(user(ID_AS_INT, EMAIL)));

    assertIncompatible(refused, "TYPE_MISMATCH", "/fields/0/type");
    assertThat(refused.message())
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("email")
        .contains("name");
    assertThat(register("s", user(ID, NAME, EMAIL_WITH_DEFAULT)).status()).isEqualTo(200);
  }

  @Test
  void noneAcceptsAnything() {
    setLevel("s", "NONE");
    register("s", user(ID, NAME));

    assertThat(register("s", user(ID_AS_INT, EMAIL)).status()).isEqualTo(200);
    assertThat(http.get("/subjects/s/versions").json().toString()).isEqualTo("[1,2]");
  }

  @Test
  void transitiveLevelsCheckEveryEarlierVersionNotOnlyTheLatest() {
    register("plain", user(ID));
    register("plain", user(ID, EMAIL_WITH_DEFAULT));
    setLevel("transitive", "BACKWARD_TRANSITIVE");
    register("transitive", user(ID));
    register("transitive", user(ID, EMAIL_WITH_DEFAULT));

    assertThat(register("plain", user(ID, EMAIL)).status())
        .as("BACKWARD checks the latest version only, which has the field")
        .isEqualTo(200);
    assertIncompatible(
        http.post("/subjects/transitive/versions", schemaBody(user(ID, EMAIL))),
        "READER_FIELD_MISSING_DEFAULT_VALUE",
        "email");
  }

  @Test
  void globalLevelCanBeReadAndSetAndIsRefusedWhenUnknown() {
    Response set = http.put("/config", levelBody("FULL_TRANSITIVE"));
    assertThat(set.status()).isEqualTo(200);
    assertThat(set.json().toString()).isEqualTo("{\"compatibility\":\"FULL_TRANSITIVE\"}");
    assertThat(http.get("/config").json().toString())
        .isEqualTo("{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");

    Response unknown = http.put("/config", levelBody("SIDEWAYS"));
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.errorCode()).isEqualTo(42203);
    assertThat(http.put("/config", "{}").errorCode()).isEqualTo(42203);
    assertThat(http.get("/config").json().get("compatibilityLevel").asText())
        .isEqualTo("FULL_TRANSITIVE");
  }

  @Test
  void subjectLevelIsItsOwnOrFallsBackToGlobalOnlyWhenAsked() {
    Response none = http.get("/config/s");
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.errorCode()).isEqualTo(40408);
    assertThat(http.get("/config/s?defaultToGlobal=true").json().toString())
        .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");

    assertThat(http.put("/config/s", levelBody("forward")).json().toString())
        .isEqualTo("{\"compatibility\":\"FORWARD\"}");
    assertThat(http.get("/config/s").json().get("compatibilityLevel").asText())
        .isEqualTo("FORWARD");
    assertThat(http.get("/config").json().get("compatibilityLevel").asText()).isEqualTo("BACKWARD");
    assertThat(http.put("/config/s", levelBody("nope")).errorCode()).isEqualTo(42203);
  }

  @Test
  void compatibilityTestAnswersWithoutRegistering() {
    register("s", user(ID));
    String path = "/compatibility/subjects/s/versions/latest";

    Response bad = http.post(path + "?verbose=true", schemaBody(user(ID, EMAIL)));
    assertThat(bad.status()).isEqualTo(200);
    assertThat(bad.json().get("is_compatible").asBoolean()).isFalse();
    assertThat(bad.json().get("messages").get(0).asText())
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("email");
    assertThat(http.post(path, schemaBody(user(ID, EMAIL))).json().toString())
        .isEqualTo("{\"is_compatible\":false}");
    assertThat(
            http.post(path + "?verbose=true", schemaBody(user(ID, EMAIL_WITH_DEFAULT)))
                .json()
                .toString())
        .isEqualTo("{\"is_compatible\":true,\"messages\":[]}");
    assertThat(
            http.post("/compatibility/subjects/s/versions/1", schemaBody(user(ID)))
                .json()
                .get("is_compatible")
                .asBoolean())
        .isTrue();
    assertThat(http.get("/subjects/s/versions").json().toString()).isEqualTo("[1]");
  }

  @Test
  void compatibilityTestErrors() {
    assertThat(
            http.post("/compatibility/subjects/new/versions/latest", schemaBody(user(ID)))
                .json()
                .get("is_compatible")
                .asBoolean())
        .as("a subject without versions accepts any schema")
        .isTrue();
    assertError(
        http.post("/compatibility/subjects/new/versions/1", schemaBody(user(ID))), 404, 40401);
    register("s", user(ID));
    assertError(
        http.post("/compatibility/subjects/s/versions/5", schemaBody(user(ID))), 404, 40402);
    assertError(
        http.post("/compatibility/subjects/s/versions/zero", schemaBody(user(ID))), 422, 42202);
    assertError(
        http.post("/compatibility/subjects/s/versions/latest", "{\"schema\":\"{\"}"), 422, 42201);
  }

  private Response register(String subject, Schema schema) {
    Response response = http.post("/subjects/" + subject + "/versions", schemaBody(schema));
    assertThat(response.status()).as(response.body()).isIn(200, 409);
    return response;
  }

  private void setLevel(String subject, String level) {
    assertThat(http.put("/config/" + subject, levelBody(level)).status()).isEqualTo(200);
  }

  private static void assertIncompatible(Response response, String... mentions) {
    assertError(response, 409, 409);
    assertThat(response.message())
        .startsWith("Schema being registered is incompatible with an earlier schema")
        .contains(mentions);
  }

  private static void assertError(Response response, int status, int code) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.errorCode()).as(response.body()).isEqualTo(code);
  }
}
