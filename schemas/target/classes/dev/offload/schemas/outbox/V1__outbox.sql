-- The outbox: one row per event, inserted and deleted again in the publisher's transaction, so the
-- table stays empty while the write-ahead log carries the event to the connector. Column names
-- follow the Debezium outbox EventRouter defaults (id, aggregatetype, aggregateid, type, payload).
CREATE TABLE offload_outbox (
    id            uuid         PRIMARY KEY,
    aggregatetype varchar(255) NOT NULL,
    aggregateid   varchar(255) NOT NULL,
    type          varchar(255) NOT NULL,
    payload       jsonb        NOT NULL,
    occurred_at   timestamptz  NOT NULL,
    producer      varchar(255) NOT NULL,
    traceparent   varchar(55)
);
