package dev.offload.embedded.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.offload.embedded.registry.internal.StoreRecord.ConfigRecord;
import dev.offload.embedded.registry.internal.StoreRecord.DeleteSubjectRecord;
import dev.offload.embedded.registry.internal.StoreRecord.SchemaRecord;
import dev.offload.schemas.registry.CompatibilityLevel;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Applying the topic's records rebuilds the registry the same way on every instance. */
class RegistryStateTest {
  private static final String STRING = "\"string\"";
  private static final String LONG = "\"long\"";

  @Test
  void deletedVersionsKeepTheirIdsAndNumbers() {
    RegistryState state = new RegistryState();
    state.apply(new SchemaRecord("s", 1, 1, STRING, false));
    state.apply(new SchemaRecord("s", 2, 2, LONG, false));
    state.apply(new DeleteSubjectRecord("s", 2));

    assertThat(state.subjects(false)).isEmpty();
    assertThat(state.subjects(true)).containsExactly("s");
    assertThat(state.liveVersions("s")).isEmpty();
    assertThat(state.nextVersion("s")).isEqualTo(3);
    assertThat(state.nextId()).isEqualTo(3);
    assertThat(state.schema(1)).contains(Schema.create(Schema.Type.STRING));
    assertThat(state.idOf(Schema.create(Schema.Type.LONG))).contains(2);
  }

  @Test
  void theFirstSchemaSeenWithAnIdKeepsIt() {
    RegistryState state = new RegistryState();
    state.apply(new SchemaRecord("a", 1, 5, STRING, false));
    state.apply(new SchemaRecord("b", 1, 5, LONG, false));

    assertThat(state.schema(5)).contains(Schema.create(Schema.Type.STRING));
    assertThat(state.idOf(Schema.create(Schema.Type.LONG))).isEmpty();
  }

  @Test
  void levelsAreSetAndRemoved() {
    RegistryState state = new RegistryState();
    assertThat(state.globalLevel()).isEqualTo(CompatibilityLevel.BACKWARD);

    state.apply(new ConfigRecord(null, CompatibilityLevel.FULL));
    state.apply(new ConfigRecord("s", CompatibilityLevel.NONE));
    assertThat(state.globalLevel()).isEqualTo(CompatibilityLevel.FULL);
    assertThat(state.subjectLevel("s")).contains(CompatibilityLevel.NONE);

    state.apply(new ConfigRecord("s", null));
    assertThat(state.subjectLevel("s")).isEmpty();
  }

  @Test
  void unparsableSchemasAreSkipped() {
    RegistryState state = new RegistryState();
    state.apply(new SchemaRecord("s", 1, 9, "{not a schema", false));

    assertThat(state.subjects(true)).isEmpty();
    assertThat(state.nextId()).isEqualTo(1);
  }
}
