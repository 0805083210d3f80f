package gatehouse.monitor.alarm;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.monitor.metrics.Statistic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two tables of the CloudWatch user guide, "Configuring how CloudWatch alarms treat missing data" → "How alarm
 * state is evaluated when data is missing", one row per documented case. Datapoints oldest first: {@code 0} is a
 * non-breaching datapoint, {@code X} a breaching one, {@code -} a missing one (the evaluation range is 5 for N = 3).
 * "Retain current state" is checked from both OK and ALARM.
 */
class AlarmEvaluatorTest {
    private static final Instant T0 = Instant.parse("2026-12-02T00:00:00Z");

    static AlarmDefinition def(int m, int n, TreatMissingData treat) {
        return new AlarmDefinition("a", "", "ns", "metric", Map.of(), Statistic.SUM, 300, n, m,
                ComparisonOperator.GreaterThanOrEqualToThreshold, 3, treat);
    }

    static List<Datapoint> points(String row) {
        List<Datapoint> out = new ArrayList<>();
        int i = 0;
        for (String t : row.trim().split("\\s+")) {
            Instant at = T0.plusSeconds(300L * i++);
            out.add(switch (t) {
                case "0" -> new Datapoint(at, 0.0, 1);
                case "X" -> new Datapoint(at, 5.0, 5);
                case "-" -> Datapoint.missing(at);
                default -> throw new IllegalArgumentException(t);
            });
        }
        return out;
    }

    /** Expected state word of the table: OK, ALARM, INSUFFICIENT (Insufficient data) or RETAIN. */
    static void check(int m, int n, String row, TreatMissingData treat, String expected) {
        List<Datapoint> range = points(row);
        assertThat(range.stream().filter(Datapoint::isMissing).count()).isLessThanOrEqualTo(range.size());
        for (AlarmState current : List.of(AlarmState.OK, AlarmState.ALARM, AlarmState.INSUFFICIENT_DATA)) {
            AlarmEvaluator.Result r = AlarmEvaluator.evaluate(def(m, n, treat), range, current, "before");
            AlarmState want = switch (expected) {
                case "OK" -> AlarmState.OK;
                case "ALARM" -> AlarmState.ALARM;
                case "INSUFFICIENT" -> AlarmState.INSUFFICIENT_DATA;
                case "RETAIN" -> current;
                default -> throw new IllegalArgumentException(expected);
            };
            assertThat(r.state()).as("%s of %s, %s, %s, from %s", m, n, row, treat, current).isEqualTo(want);
            if (expected.equals("RETAIN")) {
                assertThat(r.reason()).isEqualTo("before");
            } else {
                assertThat(r.reason()).isNotBlank().isNotEqualTo("before");
            }
        }
    }

    @ParameterizedTest(name = "3 of 3: {0} (missing {1}) -> {2} / {3} / {4} / {5}")
    @CsvSource(delimiter = '|', textBlock = """
            # data points | missing | MISSING      | IGNORE | BREACHING | NOT BREACHING
            0 - X - X     | 2       | OK           | OK     | OK        | OK
            0 - - - -     | 4       | OK           | OK     | OK        | OK
            - - - - -     | 5       | INSUFFICIENT | RETAIN | ALARM     | OK
            0 X X - X     | 1       | ALARM        | ALARM  | ALARM     | ALARM
            - - - - X     | 4       | INSUFFICIENT | RETAIN | ALARM     | OK
            X - - - -     | 4       | ALARM        | RETAIN | ALARM     | OK
            """)
    void threeOfThree(String row, int missing, String asMissing, String asIgnore, String asBreaching, String asNotBreaching) {
        assertThat(points(row).stream().filter(Datapoint::isMissing).count()).isEqualTo(missing);
        check(3, 3, row, TreatMissingData.missing, asMissing);
        check(3, 3, row, TreatMissingData.ignore, asIgnore);
        check(3, 3, row, TreatMissingData.breaching, asBreaching);
        check(3, 3, row, TreatMissingData.notBreaching, asNotBreaching);
    }

    @ParameterizedTest(name = "2 of 3: {0} (missing {1}) -> {2} / {3} / {4} / {5}")
    @CsvSource(delimiter = '|', textBlock = """
            # data points | missing | MISSING      | IGNORE | BREACHING | NOT BREACHING
            0 - X - X     | 2       | ALARM        | ALARM  | ALARM     | ALARM
            0 0 X 0 X     | 0       | ALARM        | ALARM  | ALARM     | ALARM
            0 - X - -     | 3       | OK           | OK     | ALARM     | OK
            - - - - 0     | 4       | OK           | OK     | ALARM     | OK
            - - - - X     | 4       | INSUFFICIENT | RETAIN | ALARM     | OK
            """)
    void twoOfThree(String row, int missing, String asMissing, String asIgnore, String asBreaching, String asNotBreaching) {
        assertThat(points(row).stream().filter(Datapoint::isMissing).count()).isEqualTo(missing);
        check(2, 3, row, TreatMissingData.missing, asMissing);
        check(2, 3, row, TreatMissingData.ignore, asIgnore);
        check(2, 3, row, TreatMissingData.breaching, asBreaching);
        check(2, 3, row, TreatMissingData.notBreaching, asNotBreaching);
    }

    /**
     * The guide's figure under "Evaluating an alarm": threshold 3, N = M = 3; ALARM in periods 3 to 5, OK from period
     * 6, and a single breach in period 9 leaves it OK.
     */
    @Test
    void theGuidesFigure() {
        double[] values = {1, 2, 4, 5, 4, 2, 1, 2, 5, 2};
        AlarmDefinition d = new AlarmDefinition("a", "", "ns", "m", Map.of(), Statistic.SUM, 60, 3, 3,
                ComparisonOperator.GreaterThanThreshold, 3, TreatMissingData.missing);
        List<AlarmState> states = new ArrayList<>();
        AlarmState state = AlarmState.INSUFFICIENT_DATA;
        List<Datapoint> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            all.add(Datapoint.missing(T0.minusSeconds(60L * (5 - i))));
        }
        for (int i = 0; i < values.length; i++) {
            all.add(new Datapoint(T0.plusSeconds(60L * i), values[i], 1));
            state = AlarmEvaluator.evaluate(d, all.subList(all.size() - 5, all.size()), state, "").state();
            states.add(state);
        }
        // periods 1..10; the first two have fewer than 3 datapoints, none breaching: OK (a non-breaching one exists)
        assertThat(states).containsExactly(AlarmState.OK, AlarmState.OK, AlarmState.OK, AlarmState.OK, AlarmState.ALARM,
                AlarmState.OK, AlarmState.OK, AlarmState.OK, AlarmState.OK, AlarmState.OK);
    }

    @ParameterizedTest(name = "{0} {1} {2}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            GreaterThanOrEqualToThreshold | 3 | 3   | true
            GreaterThanOrEqualToThreshold | 3 | 2.9 | false
            GreaterThanThreshold          | 3 | 3   | false
            GreaterThanThreshold          | 3 | 3.1 | true
            LessThanThreshold             | 3 | 3   | false
            LessThanThreshold             | 3 | 2.9 | true
            LessThanOrEqualToThreshold    | 3 | 3   | true
            LessThanOrEqualToThreshold    | 3 | 3.1 | false
            """)
    void comparisonOperators(String op, double threshold, double value, boolean breaches) {
        assertThat(ComparisonOperator.byName(op).breaches(value, threshold)).isEqualTo(breaches);
    }

    @Test
    void reasonsReadLikeCloudWatchs() {
        AlarmDefinition d = new AlarmDefinition("a", "", "ns", "m", Map.of(), Statistic.SUM, 300, 1, 1,
                ComparisonOperator.GreaterThanOrEqualToThreshold, 3, TreatMissingData.missing);
        List<Datapoint> range = points("- - X");
        assertThat(AlarmEvaluator.evaluate(d, range, AlarmState.OK, "").reason())
                .isEqualTo("Threshold Crossed: 1 datapoint [5.0 (02/12/26 00:10:00)] was greater than or equal to the threshold (3.0).");
        assertThat(AlarmEvaluator.evaluate(d, points("- - 0"), AlarmState.ALARM, "").reason())
                .isEqualTo("Threshold Crossed: 1 datapoint [0.0 (02/12/26 00:10:00)] was not greater than or equal to the threshold (3.0).");
        assertThat(AlarmEvaluator.evaluate(d, points("- - -"), AlarmState.OK, "").reason())
                .isEqualTo("Insufficient Data: 1 datapoint was unknown.");
        AlarmDefinition twoOfThree = def(2, 3, TreatMissingData.missing);
        assertThat(AlarmEvaluator.evaluate(twoOfThree, points("0 0 X 0 X"), AlarmState.OK, "").reason())
                .isEqualTo("Threshold Crossed: 2 out of the last 3 datapoints [5.0 (02/12/26 00:20:00), 5.0 (02/12/26 00:10:00)]"
                        + " were greater than or equal to the threshold (3.0) (minimum 2 datapoints for OK -> ALARM transition).");
    }
}
