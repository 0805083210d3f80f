package gatehouse.monitor.run;

import gatehouse.monitor.alarm.AlarmDefinition;
import gatehouse.monitor.alarm.AlarmEngine;
import gatehouse.monitor.alarm.Transition;
import gatehouse.monitor.filter.MetricFilter;
import gatehouse.monitor.ingest.Event;
import gatehouse.monitor.kafka.Batch;
import gatehouse.monitor.kafka.Partition;
import gatehouse.monitor.kafka.PartitionedEvent;
import gatehouse.monitor.kafka.PartitionedProcessor;
import gatehouse.store.Store;
import gatehouse.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The alarm engine as a {@link PartitionedProcessor}: one engine per owned partition, its state stored under the
 * scope {@code SCOPE@TOPIC-N} together with the partition's watermark (the last offset the state includes).
 *
 * <p>Why per partition: Kafka moves partitions, not accounts, between instances, and the publisher keys records by
 * account, so a partition's accounts are always read by one instance and their alarm state can move with the
 * partition as a unit. The alarms of a partition therefore count the events of the accounts keyed to it (with one
 * partition, exactly what a run over the same file counts). The state is the same {@link StateStore} rows a file
 * run keeps; the scope's {@code position} is the watermark offset, so {@link StateStore#checkpoint} writes state
 * and watermark in one transaction. Nothing is written between flushes: {@link #onLost} just drops a partition.
 *
 * <p>Driven from one thread by {@link gatehouse.monitor.kafka.KafkaEventSource}; {@link #lastActivityNanos} may be
 * read from any thread.
 */
final class PartitionAlarms implements PartitionedProcessor {
    /** Delivers committed transitions of a scope (actions, audit) and marks them delivered. */
    @FunctionalInterface
    interface Delivery {
        void deliver(StateStore state, String scope, List<Transition> transitions) throws SQLException;
    }

    private static final int MAX_LATE_WARNINGS = 10;

    private final Store store;
    private final String baseScope;
    private final List<AlarmDefinition> defs;
    private final List<MetricFilter> filters;
    private final Duration lateness;
    private final boolean reset;
    private final Delivery delivery;
    private final Consumer<MonitorRunner.Warning> warnings;
    private final Map<Partition, Lane> lanes = new TreeMap<>();
    private final java.util.Set<Partition> resetDone = new java.util.HashSet<>();
    private final Map<Partition, MonitorRunner.Summary> finished = new TreeMap<>();
    /**
     * The one store connection of all lanes, opened with the first. The processor is called on the consumer's
     * thread only, so the lanes take turns; a connection per partition would run a PostgreSQL server out of
     * connections (max_connections, 100 by default) once a consumer holds that many partitions.
     */
    private Connection connection;
    private volatile long lastActivityNanos;
    private volatile boolean held;
    private volatile boolean finishing;
    private boolean evaluateOpenPeriods;
    private int lateWarnings;

    /** One partition's engine and what its next flush writes. */
    private final class Lane {
        final Partition partition;
        final String scope;
        final StateStore state;
        final List<Transition> pending = new ArrayList<>();
        final AlarmEngine engine;
        final Map<String, Long> seen = new HashMap<>();
        final Map<String, Long> newIds = new LinkedHashMap<>();
        final long seqAtStart;
        final List<String> resetAlarms;
        final boolean resumed;
        long events;
        long duplicates;
        long late;
        long untimed;
        long records;
        long watermark = -1;
        boolean dirty;

        Lane(Partition p) throws SQLException {
            this.partition = p;
            this.scope = scopeOf(baseScope, p);
            this.state = new StateStore(store, connection(), scope);
            this.engine = new AlarmEngine(defs, lateness, pending::add);
            if (reset && resetDone.add(p)) {
                state.reset(); // once per partition per run, not again when a rebalance hands it back
            }
            StateStore.Saved saved = state.load();
            List<String> r = List.of();
            if (saved != null && saved.inputs().equals(inputsKey(p))) {
                r = engine.restore(saved.snapshot());
                seen.putAll(saved.seen());
                events = saved.counters().events();
                duplicates = saved.counters().duplicates();
                late = saved.counters().lateEvents();
                untimed = saved.counters().untimed();
                watermark = saved.position();
            }
            this.resetAlarms = r;
            this.resumed = watermark >= 0;
            this.seqAtStart = engine.transitionCount();
        }

        void apply(Event e) {
            events++;
            dirty = true;
            if (e.eventTime() == null) {
                untimed++;
                return;
            }
            MonitorRunner.Offered o = MonitorRunner.offer(e, engine, filters, seen, newIds);
            if (o.duplicate()) {
                duplicates++;
            } else if (!o.lateFor().isEmpty()) {
                late++;
                if (lateWarnings++ < MAX_LATE_WARNINGS) {
                    warnings.accept(MonitorRunner.lateWarning(e, o, engine));
                }
            }
        }

        /** State, counters, new ids, new transitions and the watermark in one transaction; then delivery. */
        void flush() throws SQLException {
            if (evaluateOpenPeriods) {
                engine.flush();
                dirty = true;
            }
            if (!dirty && pending.isEmpty()) {
                return;
            }
            long pruneBefore = engine.openFromMs();
            if (pruneBefore != Long.MIN_VALUE) {
                seen.values().removeIf(v -> v < pruneBefore);
                newIds.values().removeIf(v -> v < pruneBefore);
            }
            state.checkpoint(inputsKey(partition), watermark, engine.snapshot(),
                    new StateStore.Counters(events, duplicates, late, untimed), newIds, pruneBefore, pending);
            newIds.clear();
            dirty = false;
            List<Transition> committed = List.copyOf(pending);
            pending.clear();
            delivery.deliver(state, scope, committed);
        }

        MonitorRunner.Summary summary() {
            long w = engine.watermarkMs();
            return new MonitorRunner.Summary(records, 0, events, duplicates, late, untimed,
                    engine.transitionCount() - seqAtStart, engine.transitionCount(), engine.statuses(),
                    w == Long.MIN_VALUE ? null : Instant.ofEpochMilli(w), resetAlarms, resumed);
        }

        void close() {
            try {
                state.close();
            } catch (SQLException e) {
                // nothing unflushed depends on it (the shared connection itself is closed by closeAll)
            }
        }
    }

    PartitionAlarms(Store store, String baseScope, List<AlarmDefinition> defs, List<MetricFilter> filters, Duration lateness,
                    boolean reset, Delivery delivery, Consumer<MonitorRunner.Warning> warnings) {
        this.store = store;
        this.baseScope = baseScope;
        this.defs = defs;
        this.filters = filters;
        this.lateness = lateness;
        this.reset = reset;
        this.delivery = delivery;
        this.warnings = warnings;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = store.connect();
        }
        return connection;
    }

    /** The scope a partition's state is stored under. */
    static String scopeOf(String baseScope, Partition p) {
        return baseScope + "@" + p.display();
    }

    /** What a partition's checkpoint row says its position counts: offsets of that partition. */
    static String inputsKey(Partition p) {
        return "kafka:" + p.display();
    }

    @Override
    public Map<Partition, Long> onAssigned(Collection<Partition> partitions) {
        lastActivityNanos = System.nanoTime();
        held = true;
        Map<Partition, Long> marks = new TreeMap<>();
        for (Partition p : partitions) {
            try {
                Lane lane = new Lane(p);
                for (String a : lane.resetAlarms) {
                    warnings.accept(new MonitorRunner.Warning(p.display(), "alarm " + a
                            + " changed since its state was stored; it starts afresh"));
                }
                lanes.put(p, lane);
                delivery.deliver(lane.state, lane.scope, lane.state.undelivered());
                if (lane.watermark >= 0) {
                    marks.put(p, lane.watermark);
                }
            } catch (SQLException e) {
                throw new StoreException("cannot load the monitor state of " + p.display() + " from " + store.displayUrl()
                        + ": " + e.getMessage(), e, false);
            }
        }
        return marks;
    }

    @Override
    public void process(Batch batch) {
        lastActivityNanos = System.nanoTime();
        for (PartitionedEvent pe : batch.events()) {
            Lane lane = lanes.get(pe.partition());
            if (lane != null) {
                lane.records++;
                lane.apply(pe.event());
            }
        }
        for (Map.Entry<Partition, Long> e : batch.lastOffsets().entrySet()) {
            Lane lane = lanes.get(e.getKey());
            if (lane != null && e.getValue() > lane.watermark) {
                lane.watermark = e.getValue();
                lane.dirty = true;
            }
        }
    }

    @Override
    public void flush() {
        evaluateOpenPeriods = finishing;
        for (Lane lane : lanes.values()) {
            try {
                lane.flush();
            } catch (SQLException e) {
                throw new StoreException("cannot store the monitor state of " + lane.partition.display() + " in "
                        + store.displayUrl() + ": " + e.getMessage(), e, false);
            }
        }
    }

    @Override
    public void onRevoked(Collection<Partition> partitions) {
        lastActivityNanos = System.nanoTime();
        for (Partition p : partitions) {
            Lane lane = lanes.remove(p);
            if (lane != null) {
                finished.put(p, lane.summary());
                lane.close();
            }
        }
    }

    @Override
    public void onLost(Collection<Partition> partitions) {
        for (Partition p : partitions) {
            Lane lane = lanes.remove(p);
            if (lane != null) {
                lane.close();
            }
        }
    }

    /** From now on a flush also evaluates the periods still open (the stream is considered complete). */
    void finish() {
        finishing = true;
    }

    /** Whether this instance was ever given a partition (before that, waiting is not idleness). */
    boolean held() {
        return held;
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }

    /** Per partition this instance held, its alarms as of when it let the partition go (or now, if it still holds it). */
    Map<Partition, MonitorRunner.Summary> summaries() {
        Map<Partition, MonitorRunner.Summary> out = new TreeMap<>(finished);
        for (Lane lane : lanes.values()) {
            out.put(lane.partition, lane.summary());
        }
        return out;
    }

    int lateWarnings() {
        return lateWarnings;
    }

    /** Releases the partitions still held and the store connection (after the source stopped). */
    void closeAll() {
        for (Lane lane : lanes.values()) {
            finished.put(lane.partition, lane.summary());
            lane.close();
        }
        lanes.clear();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // nothing unflushed depends on it
            }
            connection = null;
        }
    }
}
