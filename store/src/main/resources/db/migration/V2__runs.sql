-- Gatehouse store, version 2: pipeline runs (docs/pipeline.md), until now JSON files .gatehouse/runs/ID/run.json.
-- A run is saved whole after every step, in one transaction (gatehouse.pipeline.run.RunStore): the runs row is
-- upserted and its stages, steps, outputs and approvals replaced, so a reader never sees half a save. Lists keep
-- their order in the ord columns. Plain SQL that SQLite and PostgreSQL both accept, as in V1; the logs and
-- reports a run writes stay files under .gatehouse/runs/ID/ (step.report names them).

CREATE TABLE runs (
    id             TEXT    NOT NULL PRIMARY KEY,
    pipeline       TEXT,
    file           TEXT,
    actor          TEXT,
    author         TEXT,
    started        TEXT,             -- ISO-8601 instant, as shown
    started_ms     BIGINT  NOT NULL, -- the same in UTC milliseconds, for ordering (0 when unknown)
    finished       TEXT,
    status         TEXT    NOT NULL, -- RUNNING, WAITING, PASSED, FAILED
    reason         TEXT,
    record_version INTEGER NOT NULL  -- the run record's own schemaVersion
);
CREATE INDEX runs_pipeline_started ON runs (pipeline, started_ms);

CREATE TABLE run_stages (
    run_id      TEXT    NOT NULL REFERENCES runs (id),
    ord         INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    environment TEXT,
    status      TEXT,
    reason      TEXT,
    PRIMARY KEY (run_id, ord)
);

-- Each step's outcome with its findings summary: a gate's decision (PASS, NEEDS_APPROVAL, FAIL), how many
-- findings it had and their risk score; the full findings are in the report file.
CREATE TABLE run_steps (
    run_id    TEXT    NOT NULL,
    stage_ord INTEGER NOT NULL,
    ord       INTEGER NOT NULL,
    name      TEXT    NOT NULL,
    kind      TEXT,
    status    TEXT,
    message   TEXT,
    started   TEXT,
    millis    BIGINT  NOT NULL,
    decision  TEXT,
    findings  INTEGER NOT NULL,
    risk      INTEGER NOT NULL,
    report    TEXT,
    PRIMARY KEY (run_id, stage_ord, ord),
    FOREIGN KEY (run_id, stage_ord) REFERENCES run_stages (run_id, ord)
);

-- The files a step produced and their SHA-256, so a digest can be traced back to the run that made it.
CREATE TABLE run_step_outputs (
    run_id    TEXT    NOT NULL,
    stage_ord INTEGER NOT NULL,
    step_ord  INTEGER NOT NULL,
    ord       INTEGER NOT NULL,
    path      TEXT    NOT NULL,
    sha256    TEXT    NOT NULL,
    PRIMARY KEY (run_id, stage_ord, step_ord, ord),
    FOREIGN KEY (run_id, stage_ord, step_ord) REFERENCES run_steps (run_id, stage_ord, ord)
);
CREATE INDEX run_step_outputs_sha256 ON run_step_outputs (sha256);

-- Approvals as given (the runner verifies signed ones again on every resume, whatever is stored here).
CREATE TABLE run_approvals (
    run_id      TEXT    NOT NULL REFERENCES runs (id),
    ord         INTEGER NOT NULL,
    stage       TEXT    NOT NULL,
    approver    TEXT    NOT NULL,
    approved_at TEXT,
    comment     TEXT,
    keyid       TEXT,
    signature   TEXT,
    PRIMARY KEY (run_id, ord)
);
