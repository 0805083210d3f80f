package gatehouse.monitor.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.monitor.filter.MetricDatum;
import gatehouse.monitor.metrics.Statistic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The event-time engine: periods, watermark and lateness, late samples, jumps over quiet stretches, snapshots. */
class AlarmEngineTest {
    static final Instant T0 = Instant.parse("2026-12-02T00:00:00Z");

    static AlarmDefinition signInFailures(TreatMissingData treat) {
        return new AlarmDefinition("signin", "", "CloudTrailMetrics", "ConsoleSignInFailureCount", Map.of(), Statistic.SUM, 300,
                1, 1, ComparisonOperator.GreaterThanOrEqualToThreshold, 3, treat);
    }

    static MetricDatum datum(double v) {
        return new MetricDatum("CloudTrailMetrics", "ConsoleSignInFailureCount", v, Map.of(), false);
    }

    static long at(long seconds) {
        return T0.plusSeconds(seconds).toEpochMilli();
    }

    /** Feeds (second, value) pairs; value NaN means an event without a sample. */
    static List<Transition> run(AlarmEngine e, List<Transition> out, double[][] events) {
        for (double[] ev : events) {
            long t = at((long) ev[0]);
            e.observe(t);
            if (!Double.isNaN(ev[1])) {
                e.offer(datum(ev[1]), t);
            }
        }
        return out;
    }

    @Test
    void threeFailuresInFiveMinutesAlarmThenQuietReturnsToOk() {
        List<Transition> out = new ArrayList<>();
        AlarmEngine e = new AlarmEngine(List.of(signInFailures(TreatMissingData.notBreaching)), Duration.ZERO, out::add);
        run(e, out, new double[][] {{10, 1}, {100, 1}, {290, 1}, {400, Double.NaN}, {700, Double.NaN}, {1000, Double.NaN}});
        // CloudWatch keeps evaluating the most recent existing datapoint while it is inside the evaluation range
        // (N + 2 = 3 periods): the alarm stays in ALARM until the breaching period has left it
        assertThat(out).extracting(Transition::newState).containsExactly(AlarmState.ALARM);
        run(e, out, new double[][] {{1300, Double.NaN}});
        assertThat(out).extracting(Transition::newState).containsExactly(AlarmState.ALARM, AlarmState.OK);
        assertThat(out.get(0).timestamp()).isEqualTo(T0.plusSeconds(300));
        assertThat(out.get(0).oldState()).isEqualTo(AlarmState.INSUFFICIENT_DATA);
        assertThat(out.get(0).reason()).isEqualTo(
                "Threshold Crossed: 1 datapoint [3.0 (02/12/26 00:00:00)] was greater than or equal to the threshold (3.0).");
        assertThat(out.get(0).datapoints()).hasSize(3).last().extracting(Datapoint::value).isEqualTo(3.0);
        // the periods 300..1200 have no sample: notBreaching once the range holds nothing else
        assertThat(out.get(1).timestamp()).isEqualTo(T0.plusSeconds(1200));
        assertThat(out.get(1).seq()).isEqualTo(2);
    }

    @Test
    void twoFailuresStayOk() {
        List<Transition> out = new ArrayList<>();
        AlarmEngine e = new AlarmEngine(List.of(signInFailures(TreatMissingData.notBreaching)), Duration.ZERO, out::add);
        run(e, out, new double[][] {{10, 1}, {299, 1}, {301, 1}, {700, Double.NaN}});
        assertThat(out).extracting(Transition::newState).containsExactly(AlarmState.OK);
    }

    @Test
    void aSampleForAFinalPeriodIsLateAndNotCounted() {
        List<Transition> out = new ArrayList<>();
        AlarmEngine e = new AlarmEngine(List.of(signInFailures(TreatMissingData.notBreaching)), Duration.ofSeconds(60), out::add);
        run(e, out, new double[][] {{10, 1}, {20, 1}, {330, Double.NaN}});
        // watermark 270: period 0..300 still open; a sample at 250 counts
        e.observe(at(250));
        assertThat(e.offer(datum(1), at(250))).isEmpty();
        e.observe(at(361)); // watermark 301: period 0..300 final and evaluated (3 failures)
        assertThat(out).extracting(Transition::newState).containsExactly(AlarmState.ALARM);
        e.observe(at(299));
        assertThat(e.offer(datum(1), at(299))).containsExactly("signin");
        assertThat(e.statuses().get(0).lateSamples()).isEqualTo(1);
    }

    @Test
    void missingDataAfterStartIsInsufficientAndQuietStretchesAreJumped() {
        List<Transition> out = new ArrayList<>();
        AlarmEngine e = new AlarmEngine(List.of(signInFailures(TreatMissingData.missing)), Duration.ZERO, out::add);
        // one failure, then a month of silence, then three failures
        long month = 30L * 86_400;
        run(e, out, new double[][] {{10, 1}, {month, 1}, {month + 1, 1}, {month + 2, 1}, {month + 400, Double.NaN}});
        assertThat(out).extracting(Transition::newState)
                .containsExactly(AlarmState.OK, AlarmState.INSUFFICIENT_DATA, AlarmState.ALARM);
        assertThat(out.get(2).timestamp()).isEqualTo(T0.plusSeconds(month - month % 300 + 300));
        assertThat(e.statuses().get(0).openPeriods()).isLessThanOrEqualTo(AlarmEvaluator.rangeSize(1) + 1);
    }

    @Test
    void flushEvaluatesThePeriodsStillOpen() {
        List<Transition> out = new ArrayList<>();
        AlarmEngine e = new AlarmEngine(List.of(signInFailures(TreatMissingData.notBreaching)), Duration.ofMinutes(5), out::add);
        run(e, out, new double[][] {{10, 1}, {11, 1}, {12, 1}});
        assertThat(out).isEmpty();
        e.flush();
        assertThat(out).extracting(Transition::newState).containsExactly(AlarmState.ALARM);
        e.observe(at(13));
        assertThat(e.offer(datum(1), at(13))).containsExactly("signin");
    }

    @Test
    void snapshotAndRestoreContinueExactly() {
        double[][] events = new double[200][];
        for (int i = 0; i < events.length; i++) {
            events[i] = new double[] {i * 37L, i % 30 < 4 ? 1 : Double.NaN};
        }
        List<Transition> whole = new ArrayList<>();
        AlarmEngine a = new AlarmEngine(List.of(signInFailures(TreatMissingData.missing)), Duration.ofSeconds(90), whole::add);
        run(a, whole, events);
        a.flush();

        List<Transition> split = new ArrayList<>();
        AlarmEngine b = new AlarmEngine(List.of(signInFailures(TreatMissingData.missing)), Duration.ofSeconds(90), split::add);
        run(b, split, java.util.Arrays.copyOfRange(events, 0, 120));
        AlarmEngine.Snapshot snap = b.snapshot();
        AlarmEngine c = new AlarmEngine(List.of(signInFailures(TreatMissingData.missing)), Duration.ofSeconds(90), split::add);
        assertThat(c.restore(snap)).isEmpty();
        run(c, split, java.util.Arrays.copyOfRange(events, 120, events.length));
        c.flush();
        assertThat(split).isEqualTo(whole);
        assertThat(whole).hasSizeGreaterThan(3);
    }

    @Test
    void aChangedDefinitionStartsAfresh() {
        AlarmEngine a = new AlarmEngine(List.of(signInFailures(TreatMissingData.missing)), Duration.ZERO, t -> {});
        a.observe(at(1));
        a.offer(datum(5), at(1));
        a.observe(at(400));
        AlarmEngine b = new AlarmEngine(List.of(signInFailures(TreatMissingData.breaching)), Duration.ZERO, t -> {});
        assertThat(b.restore(a.snapshot())).containsExactly("signin");
        assertThat(b.statuses().get(0).state()).isEqualTo(AlarmState.INSUFFICIENT_DATA);
    }

    @ParameterizedTest(name = "{0} of 1,2,3,4,10 = {1}")
    @CsvSource({"Sum,20", "Average,4", "Minimum,1", "Maximum,10", "SampleCount,5", "p50,3", "p80,4", "p90,10", "p100,10", "p0,1"})
    void statistics(String statistic, double expected) {
        AlarmDefinition d = new AlarmDefinition("s", "", "CloudTrailMetrics", "ConsoleSignInFailureCount", Map.of(),
                Statistic.parse(statistic), 60, 1, 1, ComparisonOperator.GreaterThanOrEqualToThreshold, expected,
                TreatMissingData.missing);
        List<Transition> out = new ArrayList<>();
        AlarmEngine e = new AlarmEngine(List.of(d), Duration.ZERO, out::add);
        for (double v : new double[] {4, 1, 10, 3, 2}) {
            e.observe(at(1));
            e.offer(datum(v), at(1));
        }
        e.flush();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).datapoints().get(2).value()).isEqualTo(expected);
        assertThat(out.get(0).newState()).isEqualTo(AlarmState.ALARM);
    }

    @Test
    void dimensionsIdentifyTheMetric() {
        AlarmDefinition d = new AlarmDefinition("by-user", "", "ns", "m", Map.of("user", "alice"), Statistic.SUM, 60, 1, 1,
                ComparisonOperator.GreaterThanOrEqualToThreshold, 1, TreatMissingData.notBreaching);
        List<Transition> out = new ArrayList<>();
        AlarmEngine e = new AlarmEngine(List.of(d), Duration.ZERO, out::add);
        MetricDatum bob = new MetricDatum("ns", "m", 1, Map.of("user", "bob"), false);
        assertThat(e.watches(bob)).isFalse();
        MetricDatum alice = new MetricDatum("ns", "m", 1, Map.of("user", "alice"), false);
        assertThat(e.watches(alice)).isTrue();
        e.observe(at(1));
        e.offer(alice, at(1));
        e.flush();
        assertThat(out).extracting(Transition::newState).containsExactly(AlarmState.ALARM);
    }
}
