-- Gatehouse store, version 3: the state of gatehouse monitor run (docs/alarms.md, "State and restarts").
-- Everything of one run configuration lives under its scope (the configuration's name or --state), and a
-- checkpoint rewrites a scope's rows in one transaction, so a restart always sees one consistent moment.

-- Where the input stood and what event time was reached.
CREATE TABLE monitor_checkpoints (
    scope        TEXT   NOT NULL PRIMARY KEY,
    inputs       TEXT   NOT NULL,  -- the inputs as given, one per line: the position is only valid for these
    position     BIGINT NOT NULL,  -- records of those inputs consumed, in order
    max_event_ms BIGINT NOT NULL,  -- greatest event time seen (Long.MIN_VALUE before any)
    min_event_ms BIGINT NOT NULL,  -- least event time seen (Long.MAX_VALUE before any)
    seq          BIGINT NOT NULL,  -- transitions made so far
    counters     TEXT   NOT NULL,  -- JSON: events, duplicates, late events, untimed events
    updated_ms   BIGINT NOT NULL
);

-- One row per alarm: its state and its open periods (JSON), under the definition fingerprint that made them.
CREATE TABLE monitor_alarms (
    scope         TEXT   NOT NULL,
    alarm         TEXT   NOT NULL,
    fingerprint   TEXT   NOT NULL,
    state         TEXT   NOT NULL,
    reason        TEXT   NOT NULL,
    state_time_ms BIGINT NOT NULL,
    next_eval_ms  BIGINT NOT NULL,
    transitions   BIGINT NOT NULL,
    late          BIGINT NOT NULL,
    windows       TEXT   NOT NULL,
    PRIMARY KEY (scope, alarm)
);

-- Event ids that contributed a sample to a period still open: a replayed or repeated event is not counted twice.
CREATE TABLE monitor_seen (
    scope    TEXT   NOT NULL,
    event_id TEXT   NOT NULL,
    time_ms  BIGINT NOT NULL,
    PRIMARY KEY (scope, event_id)
);
CREATE INDEX monitor_seen_time ON monitor_seen (scope, time_ms);

-- Every transition, committed with the state that produced it; delivered = 1 once its actions ran.
CREATE TABLE monitor_transitions (
    scope     TEXT   NOT NULL,
    seq       BIGINT NOT NULL,
    alarm     TEXT   NOT NULL,
    old_state TEXT   NOT NULL,
    new_state TEXT   NOT NULL,
    reason    TEXT   NOT NULL,
    time_ms   BIGINT NOT NULL,
    details   TEXT   NOT NULL,
    delivered BIGINT NOT NULL,
    PRIMARY KEY (scope, seq)
);
