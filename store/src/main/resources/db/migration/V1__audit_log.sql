-- Gatehouse store, version 1: the tamper-evident audit log (docs/audit.md).
-- Layout: one V<n>__<name>.sql per schema version, applied in order by Flyway; every script is
-- written in the SQL that both SQLite and PostgreSQL accept (TEXT, BIGINT, no vendor types, no
-- triggers), so one set of scripts serves both. Later versions add their own tables (runs,
-- approvals, ...) in new scripts; an applied script is never edited (Flyway checks checksums).

-- Append-only chain: hash = SHA-256 over the canonical encoding of every other column.
CREATE TABLE audit_entries (
    seq       BIGINT NOT NULL PRIMARY KEY,
    time_ms   BIGINT NOT NULL,
    actor     TEXT   NOT NULL,
    action    TEXT   NOT NULL,
    subject   TEXT   NOT NULL,
    result    TEXT   NOT NULL,
    details   TEXT   NOT NULL,
    prev_hash TEXT   NOT NULL,
    hash      TEXT   NOT NULL
);
CREATE INDEX audit_entries_time ON audit_entries (time_ms);
CREATE INDEX audit_entries_actor ON audit_entries (actor);

-- Signed seals over the chain: an Ed25519 signature over (seq, hash, time, key id).
CREATE TABLE audit_checkpoints (
    seq       BIGINT NOT NULL PRIMARY KEY,
    hash      TEXT   NOT NULL,
    time_ms   BIGINT NOT NULL,
    key_id    TEXT   NOT NULL,
    signature TEXT   NOT NULL
);
