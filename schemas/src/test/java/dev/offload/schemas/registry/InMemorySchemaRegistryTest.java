package dev.offload.schemas.registry;

import static dev.offload.schemas.TestSchemas.schema;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The registry rules, as Confluent applies them, on the in-memory registry. */
class InMemorySchemaRegistryTest {
  private static final String S = "orders-value";

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  /** {@code test.R} with the given fields, each written {@code name:type} or with a default. */
  private static Schema record(String... fields) {
    return schema(
        "{'type':'record','name':'R','namespace':'test','fields':["
            + String.join(",", fields)
            + "]}");
  }

  private static final String ID = "{'name':'id','type':'string'}";
  private static final String AGE_REQUIRED = "{'name':'age','type':'int'}";
  private static final String AGE_OPTIONAL = "{'name':'age','type':['null','int'],'default':null}";

  @Test
  void backwardIsTheDefaultAndRejectsANewRequiredField() {
    registry.register(S, record(ID));

    assertThat(registry.compatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
    CompatibilityResult result = registry.testCompatibility(S, record(ID, AGE_REQUIRED));
    assertThat(result.compatible()).isFalse();
    assertThat(result.messages())
        .singleElement()
        .asString()
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE")
        .contains("age");
    assertThatThrownBy(() -> registry.register(S, record(ID, AGE_REQUIRED)))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(409);
              assertThat(e.errorCode()).isEqualTo(RegistryException.INCOMPATIBLE_SCHEMA);
              assertThat(e).hasMessageContaining(S);
            });
    assertThat(registry.versions(S)).containsExactly(1);
  }

  @Test
  void backwardAcceptsANewOptionalFieldAndARemovedField() {
    registry.register(S, record(ID, AGE_REQUIRED));

    assertThat(
            registry.register(
                S, record(ID, AGE_REQUIRED, "{'name':'x','type':'string','default':''}")))
        .isEqualTo(2);
    assertThat(registry.register(S, record(ID))).isEqualTo(3);
    assertThat(registry.versions(S)).containsExactly(1, 2, 3);
  }

  @Test
  void forwardRejectsRemovingARequiredFieldAndAcceptsAddingOne() {
    registry.setCompatibility(S, CompatibilityLevel.FORWARD);
    registry.register(S, record(ID, AGE_REQUIRED));

    assertThat(registry.testCompatibility(S, record(ID)).compatible()).isFalse();
    assertThat(
            registry
                .testCompatibility(S, record(ID, AGE_REQUIRED, "{'name':'x','type':'string'}"))
                .compatible())
        .isTrue();
  }

  @Test
  void fullAcceptsOnlyOptionalChanges() {
    registry.setCompatibility(CompatibilityLevel.FULL);
    registry.register(S, record(ID));

    assertThat(registry.testCompatibility(S, record(ID, AGE_REQUIRED)).compatible()).isFalse();
    assertThat(registry.testCompatibility(S, record(ID, AGE_OPTIONAL)).compatible()).isTrue();
    registry.register(S, record(ID, AGE_REQUIRED.replace("}", ",'default':0}")));
    assertThat(
            registry
                .testCompatibility(S, record(ID, "{'name':'age','type':'string','default':''}"))
                .compatible())
        .isFalse();
  }

  @Test
  void noneAcceptsAnything() {
    registry.setCompatibility(S, CompatibilityLevel.NONE);
    registry.register(S, record(ID));

    assertThat(registry.register(S, record("{'name':'id','type':'int'}"))).isEqualTo(2);
  }

  @Test
  void backwardTransitiveChecksEveryVersionNotOnlyTheLatest() {
    // v1 {a: string}; v2 {} drops a; v3 {a: int = 0} reads v2 (default) but not v1 (string -> int)
    Schema v1 = record("{'name':'a','type':'string'}");
    Schema v2 = record();
    Schema v3 = record("{'name':'a','type':'int','default':0}");
    registry.register(S, v1);
    registry.register(S, v2);

    assertThat(registry.testCompatibility(S, v3).compatible()).isTrue();
    registry.setCompatibility(S, CompatibilityLevel.BACKWARD_TRANSITIVE);
    assertThat(registry.testCompatibility(S, v3).compatible()).isFalse();
    assertThatThrownBy(() -> registry.register(S, v3)).isInstanceOf(RegistryException.class);
  }

  @Test
  void forwardTransitiveChecksEveryVersionNotOnlyTheLatest() {
    // v1 {a} required; v2 {a = "x"}; v3 {} is readable by v2 (default) but not by v1
    Schema v1 = record("{'name':'a','type':'string'}");
    Schema v2 = record("{'name':'a','type':'string','default':'x'}");
    Schema v3 = record();
    registry.setCompatibility(S, CompatibilityLevel.FORWARD);
    registry.register(S, v1);
    registry.register(S, v2);

    assertThat(registry.testCompatibility(S, v3).compatible()).isTrue();
    registry.setCompatibility(S, CompatibilityLevel.FORWARD_TRANSITIVE);
    assertThat(registry.testCompatibility(S, v3).compatible()).isFalse();
  }

  @Test
  void fullTransitiveChecksEveryVersionBothWays() {
    Schema v1 = record("{'name':'a','type':'string'}");
    Schema v2 = record("{'name':'a','type':'string','default':'x'}");
    Schema v3 = record();
    registry.setCompatibility(S, CompatibilityLevel.FULL);
    registry.register(S, v1);
    registry.register(S, v2);

    assertThat(registry.testCompatibility(S, v3).compatible()).isTrue();
    registry.setCompatibility(S, CompatibilityLevel.FULL_TRANSITIVE);
    CompatibilityResult result = registry.testCompatibility(S, v3);
    assertThat(result.compatible()).isFalse();
    assertThat(result.messages()).anyMatch(m -> m.contains("READER_FIELD_MISSING_DEFAULT_VALUE"));
  }

  @Test
  void sameSchemaKeepsItsIdAcrossSubjectsAndAddsNoVersion() {
    int id = registry.register(S, record(ID));

    assertThat(registry.register(S, record(ID))).isEqualTo(id);
    assertThat(registry.register("other-value", record(ID))).isEqualTo(id);
    assertThat(registry.versions(S)).containsExactly(1);
    assertThat(registry.lookup("other-value", record(ID)))
        .isEqualTo(new SchemaVersion("other-value", 1, id, record(ID)));
    assertThat(registry.subjects()).containsExactly("orders-value", "other-value");
  }

  @Test
  void subjectLevelOverridesTheGlobalLevel() {
    registry.setCompatibility(CompatibilityLevel.FULL);
    registry.setCompatibility(S, CompatibilityLevel.NONE);

    assertThat(registry.compatibility(S)).isEqualTo(CompatibilityLevel.NONE);
    assertThat(registry.compatibility("other")).isEqualTo(CompatibilityLevel.FULL);
  }

  @Test
  void missingSubjectsVersionsAndSchemasHaveConfluentCodes() {
    registry.register(S, record(ID));

    assertCode(RegistryException.SUBJECT_NOT_FOUND, () -> registry.latest("nope"));
    assertCode(RegistryException.SUBJECT_NOT_FOUND, () -> registry.versions("nope"));
    assertCode(RegistryException.SUBJECT_NOT_FOUND, () -> registry.lookup("nope", record(ID)));
    assertCode(RegistryException.VERSION_NOT_FOUND, () -> registry.version(S, 2));
    assertCode(RegistryException.INVALID_VERSION, () -> registry.version(S, 0));
    assertCode(RegistryException.SCHEMA_NOT_FOUND, () -> registry.lookup(S, record()));
    assertCode(RegistryException.SCHEMA_NOT_FOUND, () -> registry.getById(99));
  }

  @Test
  void deletedVersionsAreGoneButTheirIdsStayReadable() {
    int id = registry.register(S, record(ID));
    registry.register(S, record(ID, AGE_OPTIONAL));

    assertThat(registry.deleteVersion(S, 2)).isEqualTo(2);
    assertThat(registry.versions(S)).containsExactly(1);
    assertThat(registry.deleteSubject(S)).containsExactly(1);
    assertThat(registry.subjects()).isEmpty();
    assertThat(registry.getById(id)).isEqualTo(record(ID));
    assertThat(registry.testCompatibility(S, record(ID, AGE_REQUIRED)).compatible()).isTrue();
  }

  private static void assertCode(int code, Runnable call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            RegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(code));
  }
}
