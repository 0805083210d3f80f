-- Gatehouse store, version 4: the files a following gatehouse monitor run (--follow) has read (docs/alarms.md,
-- "Following a directory"). Written in the same transaction as the scope's checkpoint, so a restart neither
-- re-reads a file whose events the state already holds nor skips one it does not.
CREATE TABLE monitor_files (
    scope    TEXT   NOT NULL,
    path     TEXT   NOT NULL,  -- absolute path of the file
    size     BIGINT NOT NULL,  -- its size in bytes when it was last read
    mtime_ms BIGINT NOT NULL,  -- its modification time then
    records  BIGINT NOT NULL,  -- records of it consumed, in order (a changed file is read on from there)
    status   TEXT   NOT NULL,  -- done, partial (ends inside a record: read on when it changes) or reading (interrupted)
    PRIMARY KEY (scope, path)
);
