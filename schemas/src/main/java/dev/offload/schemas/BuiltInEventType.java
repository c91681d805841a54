package dev.offload.schemas;

import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * One event type that Offload ships a schema for: its kebab-case name, its Avro schema and the
 * class generated from it.
 *
 * @param type the event type, for example {@code user-signed-up}
 * @param recordClass the class generated from the schema, for example {@code UserSignedUp}
 * @param schema the schema, as generated into {@code recordClass}
 * @param <T> the generated class
 */
public record BuiltInEventType<T extends SpecificRecord>(
    String type, Class<T> recordClass, Schema schema) {

  /** Checks that the type name is valid and that no component is missing. */
  public BuiltInEventType {
    EventTypes.requireValid(type);
    Objects.requireNonNull(recordClass, "recordClass");
    Objects.requireNonNull(schema, "schema");
  }

  /** The topic that carries events of this type, {@code offload.events.<type>}. */
  public String topic() {
    return Topics.events(type);
  }
}
