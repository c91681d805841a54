package dev.offload.embedded.registry.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.offload.embedded.registry.internal.StoreRecord.ConfigRecord;
import dev.offload.embedded.registry.internal.StoreRecord.DeleteSubjectRecord;
import dev.offload.embedded.registry.internal.StoreRecord.Ignored;
import dev.offload.embedded.registry.internal.StoreRecord.SchemaRecord;
import dev.offload.embedded.registry.internal.StoreRecord.SchemaTombstone;
import dev.offload.schemas.registry.CompatibilityLevel;
import org.junit.jupiter.api.Test;

/** The storage records have Confluent's layout, byte-stable keys, and decode back. */
class StoreCodecTest {

  @Test
  void schemaRecordsUseConfluentsKeyAndValue() {
    SchemaRecord record = new SchemaRecord("s-value", 3, 7, "\"string\"", false);

    assertThat(StoreCodec.key(record))
        .isEqualTo("{\"keytype\":\"SCHEMA\",\"subject\":\"s-value\",\"version\":3,\"magic\":1}");
    assertThat(StoreCodec.value(record))
        .isEqualTo(
            "{\"subject\":\"s-value\",\"version\":3,\"id\":7,\"schema\":\"\\\"string\\\"\",\"deleted\":false}");
    assertThat(StoreCodec.decode(StoreCodec.key(record), StoreCodec.value(record)))
        .isEqualTo(record);
    assertThat(StoreCodec.key(record.asDeleted())).isEqualTo(StoreCodec.key(record));
  }

  @Test
  void configAndDeleteRecordsRoundTrip() {
    ConfigRecord global = new ConfigRecord(null, CompatibilityLevel.FULL);
    ConfigRecord subject = new ConfigRecord("s", CompatibilityLevel.NONE);
    DeleteSubjectRecord delete = new DeleteSubjectRecord("s", 4);

    assertThat(StoreCodec.key(global))
        .isEqualTo("{\"keytype\":\"CONFIG\",\"subject\":null,\"magic\":0}");
    assertThat(StoreCodec.value(global)).isEqualTo("{\"compatibilityLevel\":\"FULL\"}");
    assertThat(StoreCodec.key(delete))
        .isEqualTo("{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"s\",\"magic\":0}");
    for (StoreRecord record : new StoreRecord[] {global, subject, delete}) {
      assertThat(StoreCodec.decode(StoreCodec.key(record), StoreCodec.value(record)))
          .isEqualTo(record);
    }
  }

  @Test
  void tombstonesAndForeignRecordsDecode() {
    assertThat(
            StoreCodec.decode(
                "{\"keytype\":\"SCHEMA\",\"subject\":\"s\",\"version\":2,\"magic\":1}", null))
        .isEqualTo(new SchemaTombstone("s", 2));
    assertThat(StoreCodec.decode("{\"keytype\":\"CONFIG\",\"subject\":\"s\",\"magic\":0}", null))
        .isEqualTo(new ConfigRecord("s", null));
    assertThat(StoreCodec.decode("{\"keytype\":\"NOOP\",\"magic\":0}", null))
        .isEqualTo(new Ignored("NOOP"));
    assertThatThrownBy(() -> StoreCodec.decode("not json", "{}"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
