package gatehouse.monitor.run;

import gatehouse.audit.AuditLog;
import gatehouse.core.Diagnostic;
import gatehouse.monitor.alarm.AlarmDefinition;
import gatehouse.monitor.alarm.AlarmEngine;
import gatehouse.monitor.alarm.AlarmListener;
import gatehouse.monitor.alarm.Transition;
import gatehouse.monitor.filter.MetricDatum;
import gatehouse.monitor.filter.MetricFilter;
import gatehouse.monitor.ingest.Event;
import gatehouse.monitor.ingest.EventSource;
import gatehouse.monitor.ingest.Feed;
import gatehouse.monitor.kafka.KafkaEventSource;
import gatehouse.monitor.kafka.KafkaUrl;
import gatehouse.monitor.kafka.Partition;
import gatehouse.store.Store;
import gatehouse.store.StoreException;
import java.io.InputStream;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code gatehouse monitor run} as a library: events from the inputs, de-duplicated by {@code eventID}, through the
 * metric filters into the alarm engine by event time; transitions committed to the store with the state that made
 * them, then handed to the alarms' actions and written to the audit log.
 *
 * <p><b>Restarts.</b> A checkpoint commits, in one transaction, the number of input records consumed, the engine's
 * snapshot (alarm states, open periods, event-time extremes), the ids of events that fed a still-open period and the
 * new transitions. A restart with the same inputs skips the records already consumed and continues from that
 * snapshot, so its final states and transitions equal an uninterrupted run's.
 *
 * <p><b>Duplicates.</b> An event is de-duplicated by {@code eventID} when it would add a sample: the ids of the events
 * that fed a period still open are kept (in memory and in the store), so a repeat, in the same input, another input
 * or after a restart, is dropped as a duplicate while its period is open and is late (not counted either) once the
 * period is final. Nothing is counted twice, and the set is bounded by the open periods, not the input. Events that
 * add no sample are not de-duplicated: they cannot change a metric, and tracking them would cost a lookup per event.
 *
 * <p><b>Delivery.</b> Actions run after the commit; a transition committed but not yet marked delivered when the
 * process stopped is delivered on the next start (at least once). Not thread-safe: one run at a time.
 */
public final class MonitorRunner {
    /** Audit actor of transitions. */
    public static final String AUDIT_ACTOR = "gatehouse monitor";
    private static final int MAX_LATE_WARNINGS = 10;

    private final MonitorConfig config;
    private final Store store;
    private final Options options;
    private final Map<String, List<AlarmListener>> listeners = new HashMap<>();
    private final List<AlarmListener> everyTransition = new ArrayList<>();
    private final Consumer<Warning> warnings;
    private Runnable kafkaStop;
    private LiveRun live;
    private boolean stopBeforeLive;

    /**
     * How a run behaves.
     *
     * @param scope the name the state is stored under
     * @param lateness how far behind the greatest event time an event may be and still count
     * @param flush treat the input as complete at its end: evaluate the periods still open
     * @param reset forget the scope's stored state first
     * @param checkpointEvery commit a checkpoint at least every this many input records
     * @param checkpointInterval and at least this often while something changed
     */
    public record Options(String scope, Duration lateness, boolean flush, boolean reset, int checkpointEvery,
                          Duration checkpointInterval) {
        public Options {
            Objects.requireNonNull(scope, "scope");
            if (lateness.isNegative()) {
                throw new IllegalArgumentException("lateness must not be negative");
            }
            if (checkpointEvery < 1) {
                throw new IllegalArgumentException("checkpointEvery must be at least 1");
            }
        }

        public static Options defaults(String scope) {
            return new Options(scope, Duration.ofMinutes(5), false, false, 100_000, Duration.ofSeconds(1));
        }
    }

    /** Something worth telling that does not stop the run: a late event, an action that failed. */
    public record Warning(String origin, String message) {}

    /** Progress, for a terminal. */
    @FunctionalInterface
    public interface Progress {
        void update(long records, long events, Instant watermark);
    }

    /**
     * What a run did.
     *
     * @param records input records read this run (including skipped ones)
     * @param skipped records skipped because a previous run had consumed them
     * @param events events processed, over all runs of the scope
     * @param duplicates repeated event ids dropped, over all runs
     * @param lateEvents events with a sample for a period already final, over all runs
     * @param untimed events without a usable {@code eventTime}, over all runs
     * @param transitionsThisRun transitions made by this run
     * @param transitions transitions of the scope over all runs
     * @param alarms every alarm's status
     * @param watermark the watermark reached, or null before any event
     * @param resetAlarms alarms whose stored state was dropped because their definition changed
     * @param resumed whether a previous run's state was continued
     */
    public record Summary(long records, long skipped, long events, long duplicates, long lateEvents, long untimed,
                          long transitionsThisRun, long transitions, List<AlarmEngine.Status> alarms, Instant watermark,
                          List<String> resetAlarms, boolean resumed) {}

    /**
     * @param config filters, alarms and their actions
     * @param store where state, transitions and the audit log live
     * @param options run options
     * @param actions factories of the action types the configuration may use (at least {@code log})
     * @param warnings receives warnings as they happen
     */
    public MonitorRunner(MonitorConfig config, Store store, Options options, Map<String, ActionFactory> actions,
                         Consumer<Warning> warnings) {
        this.config = Objects.requireNonNull(config, "config");
        this.store = Objects.requireNonNull(store, "store");
        this.options = Objects.requireNonNull(options, "options");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        for (MonitorConfig.AlarmSpec a : config.alarms()) {
            List<AlarmListener> ls = new ArrayList<>();
            for (MonitorConfig.ActionSpec s : a.actions()) {
                ActionFactory f = actions.get(s.type());
                if (f == null) {
                    throw new IllegalArgumentException("no factory for action type " + s.type());
                }
                ls.add(f.create(s));
            }
            listeners.put(a.definition().name(), ls);
        }
    }

    /** Adds a listener that receives every transition of every alarm (after the alarm's own actions). */
    public MonitorRunner onEveryTransition(AlarmListener l) {
        everyTransition.add(Objects.requireNonNull(l, "listener"));
        return this;
    }

    /**
     * Runs over {@code inputs} (paths, or {@code -} for {@code stdin}) to their end.
     *
     * @param errors receives input problems ({@code file:line:col}); the stream goes on after each
     * @throws StoreException when the store cannot be read or written
     */
    public Summary run(List<String> inputs, InputStream stdin, Consumer<Diagnostic> errors, Progress progress) {
        try (StateStore state = new StateStore(store, options.scope()); AuditLog audit = AuditLog.open(store)) {
            return run(state, audit, inputs, stdin, errors, progress);
        } catch (SQLException e) {
            throw new StoreException("cannot keep the monitor state in " + store.displayUrl() + ": " + e.getMessage(), e, false);
        }
    }

    private Summary run(StateStore state, AuditLog audit, List<String> inputs, InputStream stdin, Consumer<Diagnostic> errors,
                        Progress progress) throws SQLException {
        if (options.reset()) {
            state.reset();
        }
        List<Transition> pending = new ArrayList<>();
        AlarmEngine engine = new AlarmEngine(config.alarmDefinitions(), options.lateness(), pending::add);
        List<MetricFilter> filters = config.metricFilters();
        String inputsKey = String.join("\n", inputs);

        StateStore.Saved saved = state.load();
        long skip = 0;
        long events = 0;
        long duplicates = 0;
        long late = 0;
        long untimed = 0;
        Map<String, Long> seen = new HashMap<>();
        List<String> reset = List.of();
        if (saved != null) {
            reset = engine.restore(saved.snapshot());
            seen.putAll(saved.seen());
            events = saved.counters().events();
            duplicates = saved.counters().duplicates();
            late = saved.counters().lateEvents();
            untimed = saved.counters().untimed();
            if (saved.inputs().equals(inputsKey)) {
                skip = saved.position();
            }
        }
        long seqAtStart = engine.transitionCount();
        deliver(state, audit, state.undelivered());

        Map<String, Long> newIds = new LinkedHashMap<>();
        long position = 0;
        long lastCheckpointPosition = 0;
        long lastCheckpointNanos = System.nanoTime();
        long lastProgressNanos = lastCheckpointNanos;
        long intervalNanos = options.checkpointInterval().toNanos();
        boolean dirty = false;
        int lateWarnings = 0;
        try (EventSource source = EventSource.of(inputs, stdin, errors, paths(filters))) {
            while (source.hasNext()) {
                Event e = source.next();
                position++;
                if (position <= skip) {
                    continue;
                }
                events++;
                dirty = true;
                if (e.eventTime() == null) {
                    untimed++;
                } else {
                    Offered o = offer(e, engine, filters, seen, newIds);
                    if (o.duplicate()) {
                        duplicates++;
                    } else if (!o.lateFor().isEmpty()) {
                        late++;
                        if (lateWarnings++ < MAX_LATE_WARNINGS) {
                            warnings.accept(lateWarning(e, o, engine));
                        }
                    }
                }
                if ((position & 255) == 0 || !pending.isEmpty()) {
                    long now = System.nanoTime();
                    if (position - lastCheckpointPosition >= options.checkpointEvery()
                            || (dirty && now - lastCheckpointNanos >= intervalNanos)) {
                        checkpoint(state, audit, engine, inputsKey, position, events, duplicates, late, untimed, seen, newIds, pending);
                        lastCheckpointPosition = position;
                        lastCheckpointNanos = now;
                        dirty = false;
                    }
                    if (progress != null && now - lastProgressNanos >= 1_000_000_000L) {
                        lastProgressNanos = now;
                        progress.update(position, events, watermark(engine));
                    }
                }
            }
        }
        if (lateWarnings > MAX_LATE_WARNINGS) {
            warnings.accept(new Warning(null, (lateWarnings - MAX_LATE_WARNINGS) + " more late events were not counted"));
        }
        if (options.flush()) {
            engine.flush();
        }
        checkpoint(state, audit, engine, inputsKey, Math.max(position, skip), events, duplicates, late, untimed, seen, newIds,
                pending);
        return new Summary(position, Math.min(position, skip), events, duplicates, late, untimed,
                engine.transitionCount() - seqAtStart, engine.transitionCount(), engine.statuses(), watermark(engine), reset,
                saved != null);
    }

    /**
     * The paths into a record the filters read, so that the reader builds only those nodes and skips the rest of
     * each record unparsed; null (keep everything) when a filter needs the whole event.
     */
    static gatehouse.monitor.ingest.Projection paths(List<MetricFilter> filters) {
        List<List<Object>> all = new ArrayList<>();
        for (MetricFilter f : filters) {
            List<List<Object>> p = f.jsonPaths();
            if (p == null) {
                return null;
            }
            all.addAll(p);
        }
        return gatehouse.monitor.ingest.Projection.of(all);
    }

    static Instant watermark(AlarmEngine engine) {
        long w = engine.watermarkMs();
        return w == Long.MIN_VALUE ? null : Instant.ofEpochMilli(w);
    }

    /** What offering one timed event came to: no filter matched, a repeat, or counted (late for some alarms, or not). */
    record Offered(boolean duplicate, List<String> lateFor) {
        static final Offered NOTHING = new Offered(false, List.of());
    }

    /**
     * One timed event through the filters and into the engine, the same for a file run and a Kafka partition:
     * moves event time, offers each metric datum of a filter that matched, and remembers the id of a counted event
     * in {@code seen} and {@code newIds} (the ids the next checkpoint stores).
     */
    static Offered offer(Event e, AlarmEngine engine, List<MetricFilter> filters, Map<String, Long> seen,
                         Map<String, Long> newIds) {
        long t = e.eventTime().toEpochMilli();
        engine.observe(t);
        gatehouse.monitor.filter.Event fe = gatehouse.monitor.filter.Event.ofJson(e.record());
        List<MetricDatum> data = null;
        for (MetricFilter f : filters) {
            Optional<MetricDatum> d = f.apply(fe);
            if (d.isPresent() && engine.watches(d.get())) {
                if (data == null) {
                    data = new ArrayList<>(2);
                }
                data.add(d.get());
            }
        }
        if (data == null) {
            return Offered.NOTHING;
        }
        String id = e.eventId();
        if (isRepeat(seen, id, engine)) {
            return new Offered(true, List.of());
        }
        List<String> lateFor = List.of();
        for (MetricDatum d : data) {
            List<String> l = engine.offer(d, t);
            if (!l.isEmpty()) {
                lateFor = l;
            }
        }
        if (id != null) {
            seen.put(id, t);
            newIds.put(id, t);
        }
        return new Offered(false, lateFor);
    }

    static Warning lateWarning(Event e, Offered o, AlarmEngine engine) {
        String id = e.eventId();
        return new Warning(e.origin(), "event " + (id == null ? "" : id + " ") + "at " + e.eventTime()
                + " is late: the period it belongs to was already evaluated for " + String.join(", ", o.lateFor())
                + " (watermark " + Instant.ofEpochMilli(engine.watermarkMs()) + "); it was not counted there");
    }

    /**
     * Whether an event with this id was already counted. An id whose periods are all final counts as forgotten,
     * whether or not a checkpoint has pruned it yet: checkpoints come also by the clock, so the verdict must not
     * depend on when they came (else a killed and restarted run could count a repeat as late where an
     * uninterrupted one counted it as a duplicate).
     */
    static boolean isRepeat(Map<String, Long> seen, String id, AlarmEngine engine) {
        Long seenAt = id == null ? null : seen.get(id);
        long openFrom = engine.openFromMs();
        return seenAt != null && (openFrom == Long.MIN_VALUE || seenAt >= openFrom);
    }

    private void checkpoint(StateStore state, AuditLog audit, AlarmEngine engine, String inputsKey, long position, long events,
                            long duplicates, long late, long untimed, Map<String, Long> seen, Map<String, Long> newIds,
                            List<Transition> pending) throws SQLException {
        long pruneBefore = engine.openFromMs();
        if (pruneBefore != Long.MIN_VALUE) {
            for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
                if (it.next() < pruneBefore) {
                    it.remove();
                }
            }
            newIds.values().removeIf(t -> t < pruneBefore);
        }
        state.checkpoint(inputsKey, position, engine.snapshot(), new StateStore.Counters(events, duplicates, late, untimed),
                newIds, pruneBefore, pending);
        newIds.clear();
        List<Transition> committed = List.copyOf(pending);
        pending.clear();
        deliver(state, audit, committed);
    }

    /**
     * What a run over a Kafka topic did.
     *
     * @param partitions per partition this instance held during the run, its alarms when it let go of it (or at the
     *     end); the counters are per partition over all runs, {@code records} this run's events of the partition
     * @param stats what the source read: records, repeats dropped by the offset-window dedupe, records already
     *     included in a stored watermark, unreadable records, commits
     */
    public record KafkaSummary(Map<Partition, Summary> partitions, KafkaEventSource.Stats stats) {}

    /**
     * Runs over a Kafka topic as a member of the URL's consumer group, one alarm engine per partition held (see
     * {@link PartitionAlarms}), until {@link #stop()} is called or, when {@code idleStop} is given, once it has held
     * a partition, no record arrived and no partition moved for that long. Each partition's state and watermark are
     * committed to the store in one transaction before its offsets are committed to Kafka; a restart resumes after
     * the stored watermark.
     *
     * @param clientConfig extra Kafka consumer settings
     * @param commitInterval how often state is flushed and offsets committed
     * @param idleStop stop after this long without records, or null to run until {@link #stop()}
     * @param errors receives unreadable records ({@code topic-partition@offset})
     * @throws StoreException when the store cannot be read or written (nothing after the last flush is committed)
     */
    public KafkaSummary runKafka(KafkaUrl url, Map<String, Object> clientConfig, Duration commitInterval, Duration idleStop,
                                 Consumer<Diagnostic> errors) {
        List<AlarmDefinition> defs = config.alarmDefinitions();
        List<MetricFilter> filters = config.metricFilters();
        try (AuditLog audit = AuditLog.open(store);
             KafkaEventSource source = new KafkaEventSource(url, clientConfig, commitInterval, errors)) {
            PartitionAlarms alarms = new PartitionAlarms(store, options.scope(), defs, filters, options.lateness(),
                    options.reset(), (state, scope, ts) -> deliver(state, audit, ts, scope), warnings);
            Thread watcher = null;
            synchronized (this) {
                kafkaStop = () -> {
                    if (options.flush()) {
                        alarms.finish();
                    }
                    source.stop();
                };
            }
            if (idleStop != null) {
                long idleNanos = idleStop.toNanos();
                watcher = Thread.ofPlatform().daemon().name("gatehouse-monitor-idle").start(() -> {
                    long seen = -1;
                    long since = System.nanoTime();
                    while (!Thread.currentThread().isInterrupted()) {
                        long r = source.stats().records();
                        long now = System.nanoTime();
                        if (r != seen) {
                            seen = r;
                            since = now;
                        }
                        if (alarms.held() && now - Math.max(since, alarms.lastActivityNanos()) >= idleNanos) {
                            stop();
                            return;
                        }
                        try {
                            Thread.sleep(50);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            try {
                source.run(alarms);
            } finally {
                if (watcher != null) {
                    watcher.interrupt();
                }
                alarms.closeAll();
                synchronized (this) {
                    kafkaStop = null;
                }
            }
            int lateWarnings = alarms.lateWarnings();
            if (lateWarnings > MAX_LATE_WARNINGS) {
                warnings.accept(new Warning(null, (lateWarnings - MAX_LATE_WARNINGS) + " more late events were not counted"));
            }
            return new KafkaSummary(alarms.summaries(), source.stats());
        }
    }

    /**
     * Asks {@link #runKafka} to finish: it flushes (evaluating the open periods first when the options say
     * {@code flush}), commits and returns within a poll. Safe from any thread (e.g. a shutdown hook).
     */
    public synchronized void stop() {
        if (kafkaStop != null) {
            kafkaStop.run();
        }
        if (live != null) {
            live.stop();
        } else if (kafkaStop == null) {
            stopBeforeLive = true; // e.g. SIGTERM while the live run is still starting: it stops as soon as it has
        }
    }

    /**
     * Runs live over {@code feeds} (a followed directory, an HTTP endpoint: docs/alarms.md, "Live inputs") until
     * {@link #stop()} is called or, when {@code idleStop} is given, no batch arrived for that long. Batches are
     * processed one at a time on the calling thread through the same filters, de-duplication, alarms, store and
     * actions as {@link #run}; each is committed (with how far each followed file was read) before its submitter
     * hears back. At the stop, the request bodies already accepted are finished, a file being read is left where it
     * is (the next start reads on from there), the open periods are evaluated when the options say {@code flush},
     * and the state is committed.
     *
     * @param description the inputs as given (stored with the checkpoint)
     * @param errors receives input problems of followed files ({@code file:line:col}); the run goes on after each
     * @throws StoreException when the store cannot be read or written
     * @throws java.io.UncheckedIOException when a feed cannot start (e.g. its port is taken)
     */
    public Summary runLive(List<Feed> feeds, Duration idleStop, String description, Consumer<Diagnostic> errors) {
        LiveRun run = new LiveRun(this, config, options, warnings, errors);
        synchronized (this) {
            live = run;
            if (stopBeforeLive) {
                run.stop();
            }
        }
        try {
            return run.run(feeds, idleStop, "live\n" + description);
        } catch (SQLException e) {
            throw new StoreException("cannot keep the monitor state in " + store.displayUrl() + ": " + e.getMessage(), e, false);
        } finally {
            synchronized (this) {
                live = null;
                stopBeforeLive = false;
            }
        }
    }

    Store store() {
        return store;
    }

    void deliver(StateStore state, AuditLog audit, List<Transition> transitions) throws SQLException {
        deliver(state, audit, transitions, options.scope());
    }

    private void deliver(StateStore state, AuditLog audit, List<Transition> transitions, String scope) throws SQLException {
        if (transitions.isEmpty()) {
            return;
        }
        for (Transition t : transitions) {
            for (AlarmListener l : listeners.getOrDefault(t.alarm(), List.of())) {
                call(l, t);
            }
            for (AlarmListener l : everyTransition) {
                call(l, t);
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("scope", scope);
            details.put("seq", t.seq());
            details.put("from", t.oldState().name());
            details.put("to", t.newState().name());
            details.put("reason", t.reason());
            details.put("eventTime", t.timestamp().toString());
            audit.append(AUDIT_ACTOR, "alarm.transition", t.alarm(), t.newState().name(), details);
        }
        state.delivered(transitions.get(transitions.size() - 1).seq());
    }

    private void call(AlarmListener l, Transition t) {
        try {
            l.onTransition(t);
        } catch (Exception e) {
            warnings.accept(new Warning(null, "an action of alarm " + t.alarm() + " failed on transition " + t.id() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())));
        }
    }
}
