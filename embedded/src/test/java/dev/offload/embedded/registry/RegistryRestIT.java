package dev.offload.embedded.registry;

import static dev.offload.embedded.registry.RawHttp.V1;
import static dev.offload.embedded.registry.RawHttp.schemaBody;
import static dev.offload.embedded.registry.TestSchemas.EMAIL_WITH_DEFAULT;
import static dev.offload.embedded.registry.TestSchemas.ID;
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

/** The subject, version and schema endpoints answer as Confluent Schema Registry does. */
@ExtendWith(SharedInfrastructure.class)
class RegistryRestIT {
  private static final Schema V_1 = user(ID);
  private static final Schema V_2 = user(ID, EMAIL_WITH_DEFAULT);

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
  void registersAndServesVersionsAndIds() {
    Response registered = http.post("/subjects/orders-value/versions", schemaBody(V_1));
    assertThat(registered.status()).isEqualTo(200);
    assertThat(registered.contentType()).isEqualTo(V1);
    int id = registered.json().get("id").asInt();
    assertThat(id).isPositive();
    int id2 =
        http.post("/subjects/orders-value/versions", schemaBody(V_2)).json().get("id").asInt();

    assertThat(
            http.post("/subjects/orders-value/versions", schemaBody(V_1)).json().get("id").asInt())
        .as("the same schema again adds no version")
        .isEqualTo(id);
    assertThat(http.get("/subjects/orders-value/versions").json().toString()).isEqualTo("[1,2]");
    assertThat(http.get("/subjects").json().toString()).isEqualTo("[\"orders-value\"]");
    assertThat(http.get("/schemas/ids/" + id).json().get("schema").asText())
        .isEqualTo(V_1.toString());
    assertThat(http.get("/schemas/ids/" + id + "/schema").json())
        .isEqualTo(RawHttp.parse(V_1.toString()));
    assertThat(http.get("/schemas/types").json().toString()).isEqualTo("[\"AVRO\"]");

    Response latest = http.get("/subjects/orders-value/versions/latest");
    assertThat(latest.json().get("subject").asText()).isEqualTo("orders-value");
    assertThat(latest.json().get("version").asInt()).isEqualTo(2);
    assertThat(latest.json().get("id").asInt()).isEqualTo(id2);
    assertThat(latest.json().get("schema").asText()).isEqualTo(V_2.toString());
    assertThat(http.get("/subjects/orders-value/versions/-1").json()).isEqualTo(latest.json());
    assertThat(http.get("/subjects/orders-value/versions/1").json().get("id").asInt())
        .isEqualTo(id);
    assertThat(http.get("/subjects/orders-value/versions/1/schema").json().get("name").asText())
        .isEqualTo("User");
  }

  @Test
  void theSameSchemaHasTheSameIdInEverySubject() {
    int id = http.post("/subjects/a-value/versions", schemaBody(V_1)).json().get("id").asInt();
    Response other = http.post("/subjects/b-value/versions", schemaBody(V_1));

    assertThat(other.json().get("id").asInt()).isEqualTo(id);
    assertThat(http.get("/subjects").json().toString()).isEqualTo("[\"a-value\",\"b-value\"]");
    assertThat(http.get("/schemas/ids/" + id + "/versions").json().toString())
        .isEqualTo(
            "[{\"subject\":\"a-value\",\"version\":1},{\"subject\":\"b-value\",\"version\":1}]");
  }

  @Test
  void looksUpASchemaWithoutRegisteringIt() {
    int id = http.post("/subjects/s/versions", schemaBody(V_1)).json().get("id").asInt();

    Response found = http.post("/subjects/s", schemaBody(V_1));
    assertThat(found.status()).isEqualTo(200);
    assertThat(found.json().get("subject").asText()).isEqualTo("s");
    assertThat(found.json().get("version").asInt()).isEqualTo(1);
    assertThat(found.json().get("id").asInt()).isEqualTo(id);

    assertError(http.post("/subjects/s", schemaBody(V_2)), 404, 40403);
    assertError(http.post("/subjects/missing", schemaBody(V_1)), 404, 40401);
    assertThat(http.get("/subjects/s/versions").json().toString()).isEqualTo("[1]");
  }

  @Test
  void unknownSubjectsVersionsAndIdsAre404WithConfluentCodes() {
    http.post("/subjects/s/versions", schemaBody(V_1));

    Response noSubject = http.get("/subjects/missing/versions");
    assertError(noSubject, 404, 40401);
    assertThat(noSubject.message()).isEqualTo("Subject 'missing' not found.");
    assertError(http.get("/subjects/missing/versions/1"), 404, 40401);
    assertError(http.get("/subjects/missing/versions/latest"), 404, 40401);
    assertError(http.get("/subjects/s/versions/7"), 404, 40402);
    assertError(http.get("/schemas/ids/999"), 404, 40403);
    assertThat(http.get("/schemas/ids/999").message()).isEqualTo("Schema 999 not found");
    assertError(http.get("/schemas/ids/abc"), 404, 40403);
    assertError(http.delete("/subjects/missing"), 404, 40401);
    assertError(http.delete("/subjects/s/versions/7"), 404, 40402);
  }

  @Test
  void invalidVersionsAre422With42202() {
    http.post("/subjects/s/versions", schemaBody(V_1));

    for (String version : new String[] {"0", "-2", "abc", "99999999999"}) {
      Response response = http.get("/subjects/s/versions/" + version);
      assertError(response, 422, 42202);
      assertThat(response.message()).contains("'" + version + "'");
    }
    assertError(http.delete("/subjects/s/versions/abc"), 422, 42202);
  }

  @Test
  void invalidSchemasAre422With42201AndNothingIsRegistered() {
    Response unparsable = http.post("/subjects/s/versions", "{\"schema\": \"{not avro\"}");
    assertError(unparsable, 422, 42201);
    assertThat(unparsable.message()).startsWith("Invalid schema");
    assertError(
        http.post("/subjects/s/versions", "{\"schema\": \"{\\\"type\\\": \\\"nope\\\"}\"}"),
        422,
        42201);
    assertError(http.post("/subjects/s/versions", "{}"), 422, 42201);
    Response protobuf =
        http.post(
            "/subjects/s/versions",
            "{\"schemaType\": \"PROTOBUF\", \"schema\": \"syntax = 'proto3';\"}");
    assertError(protobuf, 422, 42201);
    assertThat(protobuf.message()).contains("PROTOBUF");
    assertError(http.post("/subjects/s/versions", "{\"schema\": "), 400, 400);

    assertThat(http.get("/subjects").json().toString()).isEqualTo("[]");
  }

  @Test
  void deletingAVersionKeepsItsIdReadableAndNeverGivesItsNumberAgain() {
    int id1 = http.post("/subjects/s/versions", schemaBody(V_1)).json().get("id").asInt();
    http.post("/subjects/s/versions", schemaBody(V_2));

    Response deleted = http.delete("/subjects/s/versions/1");
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().asInt()).isEqualTo(1);

    assertThat(http.get("/subjects/s/versions").json().toString()).isEqualTo("[2]");
    assertError(http.get("/subjects/s/versions/1"), 404, 40402);
    assertThat(http.get("/schemas/ids/" + id1).json().get("schema").asText())
        .isEqualTo(V_1.toString());
    assertThat(http.delete("/subjects/s/versions/latest").json().asInt()).isEqualTo(2);

    Response again = http.post("/subjects/s/versions", schemaBody(V_1));
    assertThat(again.json().get("id").asInt()).as("same schema, same id").isEqualTo(id1);
    assertThat(http.get("/subjects/s/versions").json().toString()).isEqualTo("[3]");
  }

  @Test
  void deletingASubjectListsItsVersionsAndHidesIt() {
    int id = http.post("/subjects/s/versions", schemaBody(V_1)).json().get("id").asInt();
    http.post("/subjects/s/versions", schemaBody(V_2));
    http.post("/subjects/t/versions", schemaBody(V_1));

    Response deleted = http.delete("/subjects/s");
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().toString()).isEqualTo("[1,2]");

    assertThat(http.get("/subjects").json().toString()).isEqualTo("[\"t\"]");
    assertThat(http.get("/subjects?deleted=true").json().toString()).isEqualTo("[\"s\",\"t\"]");
    assertError(http.get("/subjects/s/versions"), 404, 40401);
    assertThat(http.get("/schemas/ids/" + id).status()).isEqualTo(200);
    assertError(http.delete("/subjects/s"), 404, 40401);
    assertError(http.delete("/subjects/t?permanent=true"), 422, 42205);
    assertThat(http.get("/subjects/t/versions").json().toString()).isEqualTo("[1]");
  }

  @Test
  void answersPlainJsonToClientsThatAskForItAndRefusesOtherBodies() {
    Response plain =
        http.send(
            "POST",
            "/subjects/s/versions",
            schemaBody(V_1),
            "application/json",
            "application/json");
    assertThat(plain.status()).isEqualTo(200);
    assertThat(plain.contentType()).isEqualTo("application/json");

    Response form =
        http.send(
            "POST",
            "/subjects/s/versions",
            schemaBody(V_2),
            "application/x-www-form-urlencoded",
            V1);
    assertError(form, 415, 415);
    assertThat(http.get("/subjects/s/versions").json().toString()).isEqualTo("[1]");
  }

  @Test
  void unknownPathsAndMethodsGetConfluentErrorBodies() {
    assertError(http.get("/nothing/here"), 404, 404);
    assertError(http.send("PATCH", "/subjects", null, null, V1), 405, 405);
    assertThat(http.get("/").json().toString()).isEqualTo("{}");
  }

  private static void assertError(Response response, int status, int code) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    assertThat(response.contentType()).isEqualTo(V1);
    assertThat(response.errorCode()).as(response.body()).isEqualTo(code);
    assertThat(response.message()).isNotBlank();
  }
}
