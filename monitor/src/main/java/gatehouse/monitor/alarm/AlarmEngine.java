package gatehouse.monitor.alarm;

import gatehouse.monitor.filter.MetricDatum;
import gatehouse.monitor.metrics.Aggregate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Metrics and alarms over an event stream, by <em>event time</em>.
 *
 * <p>Each alarm aggregates the samples of its metric into periods aligned to the epoch ({@code [k·period,
 * (k+1)·period)}). The <em>watermark</em> is the greatest event time seen minus the allowed lateness; a period is
 * final once the watermark reaches its end, and only then is it evaluated ({@link AlarmEvaluator}), once, in period
 * order, as CloudWatch evaluates once per period. A sample for a period that is already final is <em>late</em>: it is
 * not folded in (that would rewrite a decision already acted on) but counted per alarm and returned to the caller to
 * report. Evaluation starts with the period holding the earliest event seen, as if the alarm had been created when
 * the stream began: earlier periods do not exist for it.
 *
 * <p>Memory per alarm: the open periods (lateness / period + 1) plus the N + 2 periods of the evaluation range.
 * Stretches without data are not evaluated period by period: once a whole evaluation range is missing, its result
 * cannot change until data come, so evaluation jumps to the next period holding data.
 *
 * <p>Deterministic: the same events in any order that stays within the allowed lateness give the same transitions.
 * {@link #snapshot()} and {@link #restore} carry the complete state across a restart. Not thread-safe.
 */
public final class AlarmEngine {
    private final List<Slot> slots = new ArrayList<>();
    private final Map<MetricKey, List<Slot>> byMetric = new HashMap<>();
    private final long latenessMs;
    private final Consumer<Transition> sink;
    private long maxEventMs = Long.MIN_VALUE;
    private long minEventMs = Long.MAX_VALUE;
    private long seq;

    private record MetricKey(String namespace, String name, Map<String, String> dimensions) {}

    /** One alarm's live state. */
    private static final class Slot {
        final AlarmDefinition def;
        final long period;
        final TreeMap<Long, Aggregate> windows = new TreeMap<>();
        AlarmState state = AlarmState.INSUFFICIENT_DATA;
        String reason = "Unchecked: Initial alarm creation";
        long stateTimeMs = Long.MIN_VALUE;
        long nextEval = Long.MIN_VALUE; // start of the next period to evaluate; MIN_VALUE before the first
        long transitions;
        long late;

        Slot(AlarmDefinition def) {
            this.def = def;
            this.period = def.periodMillis();
        }
    }

    /**
     * @param alarms the alarms, names unique
     * @param lateness how far behind the greatest event time an event may be and still count
     * @param sink receives each transition as it happens, in order
     */
    public AlarmEngine(List<AlarmDefinition> alarms, Duration lateness, Consumer<Transition> sink) {
        if (lateness.isNegative()) {
            throw new IllegalArgumentException("lateness must not be negative: " + lateness);
        }
        this.latenessMs = lateness.toMillis();
        this.sink = Objects.requireNonNull(sink, "sink");
        Map<String, Boolean> names = new HashMap<>();
        for (AlarmDefinition d : alarms) {
            if (names.put(d.name(), Boolean.TRUE) != null) {
                throw new IllegalArgumentException("two alarms are named " + d.name());
            }
            Slot s = new Slot(d);
            slots.add(s);
            byMetric.computeIfAbsent(new MetricKey(d.namespace(), d.metricName(), d.dimensions()), k -> new ArrayList<>()).add(s);
        }
    }

    /** Whether some alarm watches the metric of {@code d} (others need not be offered). */
    public boolean watches(MetricDatum d) {
        return byMetric.containsKey(new MetricKey(d.namespace(), d.metricName(), d.dimensions()));
    }

    /**
     * Moves event time to {@code eventMs} (if later than any seen) and evaluates every period that became final.
     * Call once per timed event, before {@link #offer}ing its data.
     */
    public void observe(long eventMs) {
        if (eventMs > maxEventMs) {
            maxEventMs = eventMs;
        }
        if (eventMs < minEventMs) {
            minEventMs = eventMs;
        }
        evaluateAll(maxEventMs - latenessMs, false);
    }

    /**
     * Evaluates due periods of all alarms in the order of their evaluation times (ties in definition order), one
     * period at a time, so that the sequence of transitions does not depend on how far the watermark moved at once.
     *
     * @param flushing evaluate, for each alarm, up to the period holding the greatest event time
     */
    private void evaluateAll(long watermark, boolean flushing) {
        while (true) {
            Slot next = null;
            long nextEnd = Long.MAX_VALUE;
            for (Slot s : slots) {
                long limit = flushing ? Math.floorDiv(maxEventMs, s.period) * s.period + s.period : watermark;
                if (!start(s, limit)) {
                    continue;
                }
                long end = s.nextEval + s.period;
                if (end <= limit && end < nextEnd) {
                    next = s;
                    nextEnd = end;
                }
            }
            if (next == null) {
                return;
            }
            evaluateOne(next, flushing ? Math.floorDiv(maxEventMs, next.period) * next.period + next.period : watermark);
        }
    }

    /**
     * Adds one sample at {@code eventMs} to every alarm on its metric.
     *
     * @return the names of the alarms for which the sample came late (its period already final); empty when it counted
     */
    public List<String> offer(MetricDatum d, long eventMs) {
        List<Slot> targets = byMetric.get(new MetricKey(d.namespace(), d.metricName(), d.dimensions()));
        if (targets == null) {
            return List.of();
        }
        List<String> late = List.of();
        for (Slot s : targets) {
            long start = Math.floorDiv(eventMs, s.period) * s.period;
            if (s.nextEval != Long.MIN_VALUE && start < s.nextEval) {
                s.late++;
                if (late.isEmpty()) {
                    late = new ArrayList<>();
                }
                late.add(s.def.name());
                continue;
            }
            s.windows.computeIfAbsent(start, k -> new Aggregate(s.def.statistic().needsSamples())).add(d.value());
        }
        return late;
    }

    /**
     * Treats the input as complete: evaluates every period up to and including the one holding the greatest event
     * time, as if the allowed lateness had passed with no more events.
     */
    public void flush() {
        if (maxEventMs == Long.MIN_VALUE) {
            return;
        }
        evaluateAll(Long.MAX_VALUE, true);
    }

    /** The watermark: greatest event time minus lateness; {@link Long#MIN_VALUE} before any event. */
    public long watermarkMs() {
        return maxEventMs == Long.MIN_VALUE ? Long.MIN_VALUE : maxEventMs - latenessMs;
    }

    /**
     * The earliest event time whose periods are still open for some alarm: events before it can no longer change any
     * metric (their data would be late everywhere). {@link Long#MIN_VALUE} while some alarm has not started.
     */
    public long openFromMs() {
        long min = Long.MAX_VALUE;
        for (Slot s : slots) {
            if (s.nextEval == Long.MIN_VALUE) {
                return Long.MIN_VALUE;
            }
            min = Math.min(min, s.nextEval);
        }
        return min == Long.MAX_VALUE ? Long.MIN_VALUE : min;
    }

    /** Starts an alarm's evaluation when its first period is final under {@code watermark}; whether it has started. */
    private boolean start(Slot s, long watermark) {
        if (s.nextEval != Long.MIN_VALUE) {
            return true;
        }
        if (minEventMs == Long.MAX_VALUE) {
            return false;
        }
        long first = Math.floorDiv(minEventMs, s.period) * s.period;
        if (first + s.period > watermark) {
            return false;
        }
        s.nextEval = first;
        return true;
    }

    /** Evaluates the period starting at {@code s.nextEval} (final under {@code watermark}) and moves on. */
    private void evaluateOne(Slot s, long watermark) {
        int range = AlarmEvaluator.rangeSize(s.def.evaluationPeriods());
        long end = s.nextEval;
        long rangeStart = end - (range - 1) * s.period;
        List<Datapoint> points = new ArrayList<>(range);
        boolean anyData = false;
        for (int i = 0; i < range; i++) {
            long start = rangeStart + i * s.period;
            Aggregate a = s.windows.get(start);
            if (a == null || a.count() == 0) {
                points.add(Datapoint.missing(Instant.ofEpochMilli(start)));
            } else {
                anyData = true;
                points.add(new Datapoint(Instant.ofEpochMilli(start), a.value(s.def.statistic()), a.count()));
            }
        }
        AlarmEvaluator.Result r = AlarmEvaluator.evaluate(s.def, points, s.state, s.reason);
        long evaluatedAt = end + s.period;
        if (r.state() != s.state) {
            Transition t = new Transition(s.def.name(), ++seq, s.state, r.state(), r.reason(),
                    Instant.ofEpochMilli(evaluatedAt), points, s.def.threshold());
            s.state = r.state();
            s.reason = r.reason();
            s.stateTimeMs = evaluatedAt;
            s.transitions++;
            sink.accept(t);
        }
        s.nextEval = end + s.period;
        if (!anyData) {
            // a fully missing range evaluates the same until data come: jump to the first period holding data
            Long nextData = s.windows.ceilingKey(s.nextEval);
            long firstOpen = Math.floorDiv(watermark, s.period) * s.period; // the first period not final
            long target = nextData == null ? firstOpen : Math.min(nextData, firstOpen);
            if (target > s.nextEval) {
                s.nextEval = target;
            }
        }
        // periods older than the next evaluation range are no longer needed
        s.windows.headMap(s.nextEval - (range - 1) * s.period).clear();
    }

    // ------------------------------------------------------------------ reading the state

    /** The state of one alarm as reported in summaries. */
    public record Status(AlarmDefinition definition, AlarmState state, String reason, Instant since, long transitions,
                         long lateSamples, int openPeriods) {}

    /** Every alarm's status, in definition order. */
    public List<Status> statuses() {
        List<Status> out = new ArrayList<>();
        for (Slot s : slots) {
            out.add(new Status(s.def, s.state, s.reason, s.stateTimeMs == Long.MIN_VALUE ? null : Instant.ofEpochMilli(s.stateTimeMs),
                    s.transitions, s.late, s.windows.size()));
        }
        return out;
    }

    /** Transitions made so far (the last transition's {@link Transition#seq()}). */
    public long transitionCount() {
        return seq;
    }

    // ------------------------------------------------------------------ persistence

    /** One period's samples in a snapshot; {@code samples} null when the alarm keeps none. */
    public record WindowState(long startMs, long count, double sum, double min, double max, double[] samples) {}

    /** One alarm's complete state. */
    public record AlarmSnapshot(String name, String fingerprint, AlarmState state, String reason, long stateTimeMs,
                                long nextEvalMs, long transitions, long late, List<WindowState> windows) {}

    /** The engine's complete state: restoring it into an engine with the same alarms continues exactly. */
    public record Snapshot(long maxEventMs, long minEventMs, long seq, List<AlarmSnapshot> alarms) {}

    public Snapshot snapshot() {
        List<AlarmSnapshot> alarms = new ArrayList<>();
        for (Slot s : slots) {
            List<WindowState> ws = new ArrayList<>();
            for (Map.Entry<Long, Aggregate> e : s.windows.entrySet()) {
                Aggregate a = e.getValue();
                ws.add(new WindowState(e.getKey(), a.count(), a.sum(), a.min(), a.max(), a.samples()));
            }
            alarms.add(new AlarmSnapshot(s.def.name(), s.def.fingerprint(), s.state, s.reason, s.stateTimeMs, s.nextEval,
                    s.transitions, s.late, ws));
        }
        return new Snapshot(maxEventMs, minEventMs, seq, alarms);
    }

    /**
     * Restores a snapshot. Alarms of the snapshot that are no longer defined are dropped; an alarm whose fingerprint
     * changed starts afresh (its old periods were aggregated for another definition).
     *
     * @return the names of alarms that were reset because their definition changed
     */
    public List<String> restore(Snapshot snap) {
        maxEventMs = snap.maxEventMs();
        minEventMs = snap.minEventMs();
        seq = snap.seq();
        Map<String, AlarmSnapshot> byName = new LinkedHashMap<>();
        for (AlarmSnapshot a : snap.alarms()) {
            byName.put(a.name(), a);
        }
        List<String> reset = new ArrayList<>();
        for (Slot s : slots) {
            AlarmSnapshot a = byName.get(s.def.name());
            if (a == null) {
                continue;
            }
            if (!a.fingerprint().equals(s.def.fingerprint())) {
                reset.add(s.def.name());
                continue;
            }
            s.state = a.state();
            s.reason = a.reason();
            s.stateTimeMs = a.stateTimeMs();
            s.nextEval = a.nextEvalMs();
            s.transitions = a.transitions();
            s.late = a.late();
            s.windows.clear();
            for (WindowState w : a.windows()) {
                s.windows.put(w.startMs(), Aggregate.restore(w.count(), w.sum(), w.min(), w.max(), w.samples()));
            }
        }
        return reset;
    }
}
