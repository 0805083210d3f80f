package gatehouse.monitor.run;

import gatehouse.audit.AuditLog;
import gatehouse.core.Diagnostic;
import gatehouse.monitor.alarm.AlarmEngine;
import gatehouse.monitor.alarm.Transition;
import gatehouse.monitor.filter.MetricFilter;
import gatehouse.monitor.ingest.Batch;
import gatehouse.monitor.ingest.BatchReader;
import gatehouse.monitor.ingest.Event;
import gatehouse.monitor.ingest.Feed;
import gatehouse.monitor.ingest.FileMark;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A live run: batches from {@link Feed}s (a followed directory, an HTTP endpoint), queued and processed one at a time
 * on the calling thread through the same event-counting step as a file run ({@link MonitorRunner#offer}). A batch's
 * future completes after the checkpoint that holds its events (group commit: one transaction for the batches queued
 * together, at most {@code checkpointInterval} apart while events flow), and the checkpoint records in the same
 * transaction how far each followed file was read. One instance runs once.
 */
final class LiveRun implements Feed.Sink {
    private static final int MAX_LATE_WARNINGS = 10;

    /** A queued batch, its future, and its result once processed (until the checkpoint that commits it). */
    private static final class Job {
        final Batch batch;
        final CompletableFuture<Batch.Result> result;
        Batch.Result processed;

        Job(Batch batch, CompletableFuture<Batch.Result> result) {
            this.batch = batch;
            this.result = result;
        }
    }

    private final MonitorRunner runner;
    private final MonitorConfig config;
    private final MonitorRunner.Options options;
    private final Consumer<MonitorRunner.Warning> warnings;
    private final Consumer<Diagnostic> errors;
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Object gate = new Object();
    private final Map<String, FileMark> storedFiles = new ConcurrentHashMap<>();
    private volatile boolean stopping;
    private boolean closed; // guarded by gate: no more submissions
    private volatile long lastActivityNanos = System.nanoTime();
    private long lastCheckpointNanos = System.nanoTime();

    LiveRun(MonitorRunner runner, MonitorConfig config, MonitorRunner.Options options, Consumer<MonitorRunner.Warning> warnings,
            Consumer<Diagnostic> errors) {
        this.runner = runner;
        this.config = config;
        this.options = options;
        this.warnings = warnings;
        this.errors = errors;
    }

    /** Asks the run to stop: it finishes the request bodies it took, leaves a file where it is, commits and returns. */
    void stop() {
        stopping = true;
    }

    @Override
    public CompletableFuture<Batch.Result> submit(Batch batch) {
        CompletableFuture<Batch.Result> f = new CompletableFuture<>();
        synchronized (gate) {
            if (closed || stopping) {
                f.completeExceptionally(new RejectedExecutionException("the monitor run is stopping"));
                return f;
            }
            lastActivityNanos = System.nanoTime();
            queue.add(new Job(batch, f));
        }
        return f;
    }

    @Override
    public Map<String, FileMark> files() {
        return Map.copyOf(storedFiles);
    }

    @Override
    public void warn(String origin, String message) {
        warnings.accept(new MonitorRunner.Warning(origin, message));
    }

    @Override
    public void error(Diagnostic diagnostic) {
        errors.accept(diagnostic);
    }

    /** The per-run counters and what the run holds between batches. */
    private final class Counting {
        final AlarmEngine engine;
        final List<MetricFilter> filters;
        final gatehouse.monitor.ingest.Projection keep;
        final Map<String, Long> seen = new HashMap<>();
        final Map<String, Long> newIds = new LinkedHashMap<>();
        final Map<String, FileMark> marks = new LinkedHashMap<>();
        final List<Transition> pending;
        long records;
        long skipped;
        long events;
        long duplicates;
        long late;
        long untimed;
        /** Records of the batch being read that {@link #records} already includes (a checkpoint inside it). */
        long batchRecordsCounted;
        long lateWarnings;

        Counting(AlarmEngine engine, List<MetricFilter> filters, List<Transition> pending) {
            this.engine = engine;
            this.filters = filters;
            this.keep = MonitorRunner.paths(filters);
            this.pending = pending;
        }
    }

    MonitorRunner.Summary run(List<Feed> feeds, Duration idleStop, String inputsKey) throws SQLException {
        try (StateStore state = new StateStore(runner.store(), options.scope()); AuditLog audit = AuditLog.open(runner.store())) {
            return run(state, audit, feeds, idleStop, inputsKey);
        }
    }

    private MonitorRunner.Summary run(StateStore state, AuditLog audit, List<Feed> feeds, Duration idleStop, String inputsKey)
            throws SQLException {
        if (options.reset()) {
            state.reset();
        }
        List<Transition> pending = new ArrayList<>();
        AlarmEngine engine = new AlarmEngine(config.alarmDefinitions(), options.lateness(), pending::add);
        Counting c = new Counting(engine, config.metricFilters(), pending);
        StateStore.Saved saved = state.load();
        List<String> reset = List.of();
        if (saved != null) {
            reset = engine.restore(saved.snapshot());
            c.seen.putAll(saved.seen());
            c.events = saved.counters().events();
            c.duplicates = saved.counters().duplicates();
            c.late = saved.counters().lateEvents();
            c.untimed = saved.counters().untimed();
        }
        storedFiles.putAll(state.files());
        long seqAtStart = engine.transitionCount();
        runner.deliver(state, audit, state.undelivered());

        List<Feed> started = new ArrayList<>();
        List<Job> uncommitted = new ArrayList<>();
        try {
            for (Feed f : feeds) {
                f.start(this);
                started.add(f);
            }
            long intervalNanos = options.checkpointInterval().toNanos();
            long recordsAtCheckpoint = 0;
            boolean dirty = false;
            lastActivityNanos = System.nanoTime();
            while (!stopping) {
                Job j;
                try {
                    j = queue.poll(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (j != null) {
                    process(j, c, state, audit, inputsKey, uncommitted);
                    uncommitted.add(j);
                    dirty = true;
                }
                long now = System.nanoTime();
                boolean due = now - lastCheckpointNanos >= intervalNanos
                        || c.records - recordsAtCheckpoint >= options.checkpointEvery();
                if (dirty && (due || queue.isEmpty())) {
                    checkpoint(state, audit, c, inputsKey, uncommitted);
                    recordsAtCheckpoint = c.records;
                    dirty = false;
                }
                if (idleStop != null && queue.isEmpty()) {
                    if (started.stream().anyMatch(Feed::busy)) {
                        lastActivityNanos = now;
                    } else if (now - lastActivityNanos >= idleStop.toNanos()) {
                        stopping = true;
                    }
                }
            }
            // stopping: take no more; finish the request bodies already accepted, leave files for the next start
            List<Job> left = new ArrayList<>();
            synchronized (gate) {
                closed = true;
                queue.drainTo(left);
            }
            for (Job j : left) {
                if (j.batch.resumable()) {
                    j.result.completeExceptionally(new RejectedExecutionException("the monitor run is stopping"));
                } else {
                    process(j, c, state, audit, inputsKey, uncommitted);
                    uncommitted.add(j);
                }
            }
            if (c.lateWarnings > MAX_LATE_WARNINGS) {
                warnings.accept(new MonitorRunner.Warning(null,
                        (c.lateWarnings - MAX_LATE_WARNINGS) + " more late events were not counted"));
            }
            if (options.flush()) {
                engine.flush();
            }
            checkpoint(state, audit, c, inputsKey, uncommitted);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            synchronized (gate) {
                closed = true;
            }
            for (Job j : uncommitted) {
                j.result.completeExceptionally(new RejectedExecutionException("the monitor run stopped before committing"));
            }
            for (Job j : queue) {
                j.result.completeExceptionally(new RejectedExecutionException("the monitor run is stopping"));
            }
            for (Feed f : started) {
                f.close();
            }
        }
        return new MonitorRunner.Summary(c.records, c.skipped, c.events, c.duplicates, c.late, c.untimed,
                engine.transitionCount() - seqAtStart, engine.transitionCount(), engine.statuses(),
                MonitorRunner.watermark(engine), reset, saved != null);
    }

    /** A checkpoint that failed inside a batch, carried out of the reader. */
    private static final class CheckpointFailed extends RuntimeException {
        CheckpointFailed(SQLException cause) {
            super(cause);
        }
    }

    /**
     * Reads one batch through the filters into the engine; its result waits for the next checkpoint. Inside a long
     * file, checkpoints come as between batches (the file marked as read up to there), so alarms fire and progress
     * survives a crash without waiting for the file's end; never inside a request body (it counts all or nothing).
     */
    private void process(Job j, Counting c, StateStore state, AuditLog audit, String inputsKey, List<Job> uncommitted)
            throws SQLException {
        Batch b = j.batch;
        long[] n = new long[5]; // events, matched, duplicates, late, untimed
        long intervalNanos = options.checkpointInterval().toNanos();
        BatchReader.Outcome o;
        boolean ioFailed = false;
        try (InputStream in = b.source().open()) {
            o = BatchReader.read(b.name(), in, b.skip(), c.keep, e -> {
                count(e, c, n);
                if (b.resumable() && (n[0] & 1023) == 0 && System.nanoTime() - lastCheckpointNanos >= intervalNanos) {
                    FileMark f = b.file();
                    c.marks.put(f.path(), new FileMark(f.path(), f.size(), f.mtimeMs(), b.skip() + n[0], FileMark.Status.READING));
                    c.records += n[0] - c.batchRecordsCounted;
                    c.batchRecordsCounted = n[0];
                    try {
                        checkpoint(state, audit, c, inputsKey, uncommitted);
                    } catch (SQLException ex) {
                        throw new CheckpointFailed(ex);
                    }
                }
                return !(stopping && b.resumable());
            });
        } catch (CheckpointFailed e) {
            throw (SQLException) e.getCause();
        } catch (IOException e) {
            // cannot open, or a read failed part-way: what was counted stays counted, and is marked as read
            ioFailed = true;
            Diagnostic d = Diagnostic.of("input_io_error", null, "cannot read " + b.name() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), "check the path and its permissions");
            o = new BatchReader.Outcome(b.skip() + n[0], BatchReader.End.MALFORMED, d);
        }
        c.records += o.records() - Math.min(o.records(), b.skip()) - c.batchRecordsCounted;
        c.batchRecordsCounted = 0;
        c.skipped += Math.min(o.records(), b.skip());
        FileMark mark = null;
        if (b.file() != null) {
            FileMark.Status status = switch (o.end()) {
                case COMPLETE -> FileMark.Status.DONE;
                case MALFORMED -> ioFailed && n[0] > 0 ? FileMark.Status.PARTIAL : FileMark.Status.DONE;
                case PARTIAL -> FileMark.Status.PARTIAL;
                case STOPPED -> FileMark.Status.READING;
            };
            mark = new FileMark(b.file().path(), b.file().size(), b.file().mtimeMs(), Math.max(o.records(), b.skip()), status);
            c.marks.put(mark.path(), mark);
            if (ioFailed) {
                warnings.accept(new MonitorRunner.Warning(b.name(), o.problem().message() + "; " + n[0]
                        + " records were read, the rest is read when the file changes"));
            } else if (o.end() == BatchReader.End.MALFORMED && o.problem() != null) {
                errors.accept(o.problem());
            } else if (o.end() == BatchReader.End.PARTIAL) {
                warnings.accept(new MonitorRunner.Warning(b.name(), "the data ends inside a record (still being written, or a"
                        + " truncated gzip stream): " + o.records() + " records read; the rest is read when the file changes"));
            }
        }
        j.processed = new Batch.Result(o, n[0], n[1], n[2], n[3], n[4], mark);
        lastActivityNanos = System.nanoTime();
    }

    /** One event through the shared counting step, with this batch's counters in {@code n}. */
    private void count(Event e, Counting c, long[] n) {
        c.events++;
        n[0]++;
        if (e.eventTime() == null) {
            c.untimed++;
            n[4]++;
            return;
        }
        MonitorRunner.Offered o = MonitorRunner.offer(e, c.engine, c.filters, c.seen, c.newIds);
        if (o.duplicate()) {
            c.duplicates++;
            n[2]++;
        } else if (o != MonitorRunner.Offered.NOTHING) {
            n[1]++;
            if (!o.lateFor().isEmpty()) {
                c.late++;
                n[3]++;
                if (c.lateWarnings++ < MAX_LATE_WARNINGS) {
                    warnings.accept(MonitorRunner.lateWarning(e, o, c.engine));
                } else if (c.lateWarnings % 1000 == 0) {
                    // a live run may go on for days: keep telling, sparingly
                    warnings.accept(new MonitorRunner.Warning(null, c.lateWarnings + " late events so far were not counted"));
                }
            }
        }
    }

    private void checkpoint(StateStore state, AuditLog audit, Counting c, String inputsKey, List<Job> uncommitted)
            throws SQLException {
        AlarmEngine engine = c.engine;
        long pruneBefore = engine.openFromMs();
        if (pruneBefore != Long.MIN_VALUE) {
            for (Iterator<Long> it = c.seen.values().iterator(); it.hasNext(); ) {
                if (it.next() < pruneBefore) {
                    it.remove();
                }
            }
            c.newIds.values().removeIf(t -> t < pruneBefore);
        }
        state.checkpoint(inputsKey, c.records, engine.snapshot(), new StateStore.Counters(c.events, c.duplicates, c.late,
                c.untimed), c.newIds, pruneBefore, c.pending, c.marks);
        c.newIds.clear();
        c.marks.clear();
        List<Transition> committed = List.copyOf(c.pending);
        c.pending.clear();
        for (Job j : uncommitted) {
            j.result.complete(j.processed);
        }
        uncommitted.clear();
        lastCheckpointNanos = System.nanoTime();
        runner.deliver(state, audit, committed);
    }
}
