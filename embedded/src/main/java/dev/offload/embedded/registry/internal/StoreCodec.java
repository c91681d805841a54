package dev.offload.embedded.registry.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.offload.embedded.registry.internal.StoreRecord.ConfigRecord;
import dev.offload.embedded.registry.internal.StoreRecord.DeleteSubjectRecord;
import dev.offload.embedded.registry.internal.StoreRecord.Ignored;
import dev.offload.embedded.registry.internal.StoreRecord.SchemaRecord;
import dev.offload.embedded.registry.internal.StoreRecord.SchemaTombstone;
import dev.offload.schemas.registry.CompatibilityLevel;

/**
 * The JSON keys and values of the storage topic, in Confluent Schema Registry's own layout, so
 * either registry can read the other's topic:
 *
 * <pre>
 * {"keytype":"SCHEMA","subject":"s","version":1,"magic":1}
 *     → {"subject":"s","version":1,"id":1,"schema":"…","deleted":false}
 * {"keytype":"CONFIG","subject":null,"magic":0}  → {"compatibilityLevel":"BACKWARD"}
 * {"keytype":"CONFIG","subject":"s","magic":0}   → {"compatibilityLevel":"FULL"} (null: removed)
 * {"keytype":"DELETE_SUBJECT","subject":"s","magic":0} → {"subject":"s","version":3}
 * </pre>
 *
 * <p>Keys are written with a fixed field order: compaction compares key bytes.
 */
final class StoreCodec {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StoreCodec() {}

  /** The key of {@code record}. */
  static String key(StoreRecord record) {
    ObjectNode key = MAPPER.createObjectNode();
    if (record instanceof SchemaRecord r) {
      return schemaKey(r.subject(), r.version());
    } else if (record instanceof SchemaTombstone t) {
      return schemaKey(t.subject(), t.version());
    } else if (record instanceof ConfigRecord c) {
      key.put("keytype", "CONFIG").put("subject", c.subject()).put("magic", 0);
    } else if (record instanceof DeleteSubjectRecord d) {
      key.put("keytype", "DELETE_SUBJECT").put("subject", d.subject()).put("magic", 0);
    } else {
      throw new IllegalArgumentException("not written by this registry: " + record);
    }
    return key.toString();
  }

  /** The value of {@code record}; null for a tombstone. */
  static String value(StoreRecord record) {
    ObjectNode value = MAPPER.createObjectNode();
    if (record instanceof SchemaRecord r) {
      value.put("subject", r.subject()).put("version", r.version()).put("id", r.id());
      value.put("schema", r.schema()).put("deleted", r.deleted());
    } else if (record instanceof ConfigRecord c) {
      if (c.level() == null) {
        return null;
      }
      value.put("compatibilityLevel", c.level().name());
    } else if (record instanceof DeleteSubjectRecord d) {
      value.put("subject", d.subject()).put("version", d.version());
    } else {
      return null;
    }
    return value.toString();
  }

  /**
   * Decodes one record of the topic.
   *
   * @param value null for a tombstone
   * @throws IllegalArgumentException when the key or value is not a record of this layout
   */
  static StoreRecord decode(String key, String value) {
    JsonNode k = parse(key);
    String keytype = k.path("keytype").asText("");
    JsonNode v = value == null ? null : parse(value);
    String subject = k.hasNonNull("subject") ? k.get("subject").asText() : null;
    switch (keytype) {
      case "SCHEMA":
        int version = required(k, "version").asInt();
        if (v == null) {
          return new SchemaTombstone(subject, version);
        }
        return new SchemaRecord(
            subject,
            version,
            required(v, "id").asInt(),
            required(v, "schema").asText(),
            v.path("deleted").asBoolean(false));
      case "CONFIG":
        JsonNode level = v == null ? null : v.get("compatibilityLevel");
        return new ConfigRecord(
            subject,
            level == null || level.isNull() ? null : CompatibilityLevel.parse(level.asText()));
      case "DELETE_SUBJECT":
        return v == null
            ? new Ignored(keytype)
            : new DeleteSubjectRecord(subject, required(v, "version").asInt());
      default:
        return new Ignored(keytype);
    }
  }

  private static String schemaKey(String subject, int version) {
    ObjectNode key = MAPPER.createObjectNode();
    key.put("keytype", "SCHEMA").put("subject", subject).put("version", version).put("magic", 1);
    return key.toString();
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("no '" + field + "' in " + node);
    }
    return value;
  }

  private static JsonNode parse(String json) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("not a JSON object: " + json);
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + json, e);
    }
  }
}
