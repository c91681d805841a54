-- Producer apps of the ingest API: each has one API key, stored only as the SHA-256 of the key (a
-- 256-bit random secret, so a fast hash is enough), and the event types it may publish ('*' for any).
-- A revoked app keeps its row (revoked_at set) so its name stays taken and its history readable.
CREATE TABLE offload_producer_apps (
    name        varchar(255) PRIMARY KEY,
    key_hash    bytea        NOT NULL UNIQUE,
    event_types text[]       NOT NULL,
    created_at  timestamptz  NOT NULL DEFAULT now(),
    rotated_at  timestamptz,
    revoked_at  timestamptz
);

-- Idempotency keys: written in the same transaction as the events they accepted, so a retry with
-- the same key (from the same app, within the retention) answers the same event ids and writes
-- nothing. The primary key makes a concurrent duplicate wait for the first and then see its row.
CREATE TABLE offload_idempotency_keys (
    app          varchar(255) NOT NULL,
    key          varchar(255) NOT NULL,
    request_hash bytea        NOT NULL,
    event_ids    uuid[]       NOT NULL,
    created_at   timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (app, key)
);
CREATE INDEX offload_idempotency_keys_created_at ON offload_idempotency_keys (created_at);
