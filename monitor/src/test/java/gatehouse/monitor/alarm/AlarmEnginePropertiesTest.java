package gatehouse.monitor.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.monitor.filter.MetricDatum;
import gatehouse.monitor.metrics.Statistic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the event-time engine. Sample values are small integers so that sums are exact in any order (floating
 * point addition is not associative; CloudWatch's own sums have the same caveat).
 */
class AlarmEnginePropertiesTest {
    static final long LATENESS_MS = 120_000;

    /** One event: time (ms), sample value (or -1 for an event without a sample), and an arrival delay. */
    record Ev(long timeMs, int value, long delayMs) {}

    @Provide
    Arbitrary<List<Ev>> events() {
        Arbitrary<Ev> ev = Combinators.combine(Arbitraries.longs().between(0, 3_600_000), Arbitraries.integers().between(-1, 4),
                Arbitraries.longs().between(0, LATENESS_MS)).as(Ev::new);
        return ev.list().ofMinSize(1).ofMaxSize(300);
    }

    static List<AlarmDefinition> alarms() {
        List<AlarmDefinition> out = new ArrayList<>();
        int i = 0;
        for (TreatMissingData t : TreatMissingData.values()) {
            out.add(new AlarmDefinition("a" + i++, "", "ns", "m", Map.of(), Statistic.SUM, 60, 3, 2,
                    ComparisonOperator.GreaterThanOrEqualToThreshold, 3, t));
            out.add(new AlarmDefinition("a" + i++, "", "ns", "m", Map.of(), Statistic.parse("p90"), 300, 2, 1,
                    ComparisonOperator.GreaterThanThreshold, 2, t));
            out.add(new AlarmDefinition("a" + i++, "", "ns", "m", Map.of(), Statistic.parse("SampleCount"), 120, 1, 1,
                    ComparisonOperator.LessThanThreshold, 2, t));
        }
        return out;
    }

    static List<Transition> feed(List<Ev> order) {
        List<Transition> out = new ArrayList<>();
        AlarmEngine e = new AlarmEngine(alarms(), Duration.ofMillis(LATENESS_MS), out::add);
        for (Ev ev : order) {
            e.observe(ev.timeMs());
            if (ev.value() >= 0) {
                assertThat(e.offer(new MetricDatum("ns", "m", ev.value(), Map.of(), false), ev.timeMs()))
                        .as("no event within the allowed lateness is late").isEmpty();
            }
        }
        e.flush();
        return out;
    }

    /**
     * Any arrival order in which every event comes at most the allowed lateness after a later event gives the same
     * transitions as time order: here each event arrives at its time plus a delay of at most the lateness.
     */
    @Property(tries = 300)
    void orderWithinLatenessDoesNotChangeResults(@ForAll("events") List<Ev> evs) {
        List<Ev> byTime = new ArrayList<>(evs);
        byTime.sort(Comparator.comparingLong(Ev::timeMs));
        List<Ev> byArrival = new ArrayList<>(evs);
        byArrival.sort(Comparator.comparingLong((Ev e) -> e.timeMs() + e.delayMs()));
        assertThat(feed(byArrival)).isEqualTo(feed(byTime));
    }

    /** Stopping anywhere, snapshotting and continuing in a new engine gives the uninterrupted transitions. */
    @Property(tries = 200)
    void snapshotAnywhereContinuesExactly(@ForAll("events") List<Ev> evs, @ForAll @IntRange(min = 0, max = 300) int cut) {
        List<Ev> order = new ArrayList<>(evs);
        order.sort(Comparator.comparingLong((Ev e) -> e.timeMs() + e.delayMs()));
        int at = Math.min(cut, order.size());
        List<Transition> out = new ArrayList<>();
        AlarmEngine first = new AlarmEngine(alarms(), Duration.ofMillis(LATENESS_MS), out::add);
        for (Ev ev : order.subList(0, at)) {
            first.observe(ev.timeMs());
            if (ev.value() >= 0) {
                first.offer(new MetricDatum("ns", "m", ev.value(), Map.of(), false), ev.timeMs());
            }
        }
        AlarmEngine second = new AlarmEngine(alarms(), Duration.ofMillis(LATENESS_MS), out::add);
        second.restore(first.snapshot());
        for (Ev ev : order.subList(at, order.size())) {
            second.observe(ev.timeMs());
            if (ev.value() >= 0) {
                second.offer(new MetricDatum("ns", "m", ev.value(), Map.of(), false), ev.timeMs());
            }
        }
        second.flush();
        assertThat(out).isEqualTo(feed(order));
    }

    /** Memory stays bounded: an alarm never holds more periods than its range plus the lateness allows. */
    @Property(tries = 100)
    void openPeriodsStayBounded(@ForAll("events") List<Ev> evs) {
        List<Ev> order = new ArrayList<>(evs);
        order.sort(Comparator.comparingLong((Ev e) -> e.timeMs() + e.delayMs()));
        AlarmEngine e = new AlarmEngine(alarms(), Duration.ofMillis(LATENESS_MS), t -> {});
        for (Ev ev : order) {
            e.observe(ev.timeMs());
            if (ev.value() >= 0) {
                e.offer(new MetricDatum("ns", "m", ev.value(), Map.of(), false), ev.timeMs());
            }
            for (AlarmEngine.Status s : e.statuses()) {
                long period = s.definition().periodMillis();
                long bound = AlarmEvaluator.rangeSize(s.definition().evaluationPeriods()) + LATENESS_MS / period + 2;
                assertThat((long) s.openPeriods()).isLessThanOrEqualTo(bound);
            }
        }
    }
}
