-- The payload becomes the bytes of the Kafka record value: the Confluent-framed Avro of the event
-- (magic byte 0, 4-byte schema id, Avro binary) from a publisher with a schema registry, or the UTF-8
-- JSON of its data from one without (schemaless). The connector passes them through untouched.
-- The table is always empty (rows are deleted in the inserting transaction), so no row is converted.
ALTER TABLE offload_outbox ALTER COLUMN payload TYPE bytea USING convert_to(payload::text, 'UTF8');
