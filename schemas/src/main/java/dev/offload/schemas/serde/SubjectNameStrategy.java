package dev.offload.schemas.serde;

import org.apache.avro.Schema;

/** How a serializer names the registry subject of a schema, as Confluent's strategies do. */
public enum SubjectNameStrategy {
  /** {@code <topic>-key} or {@code <topic>-value}: one schema lineage per topic (the default). */
  TOPIC_NAME {
    @Override
    public String subject(String topic, boolean isKey, Schema schema) {
      return topic + (isKey ? "-key" : "-value");
    }
  },
  /** The record's full name: one lineage per record type, across topics. */
  RECORD_NAME {
    @Override
    public String subject(String topic, boolean isKey, Schema schema) {
      return schema.getFullName();
    }
  },
  /** {@code <topic>-<record full name>}: several record types in one topic. */
  TOPIC_RECORD_NAME {
    @Override
    public String subject(String topic, boolean isKey, Schema schema) {
      return topic + "-" + schema.getFullName();
    }
  };

  /** The subject for {@code schema} written to {@code topic} as key or value. */
  public abstract String subject(String topic, boolean isKey, Schema schema);
}
