package gatehouse.monitor.alarm;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * One evaluation of an alarm, exactly as the CloudWatch user guide describes it ("Configuring how CloudWatch alarms
 * treat missing data", and its two tables, reproduced row by row in {@code AlarmEvaluatorTest}).
 *
 * <p>The evaluation looks at an <em>evaluation range</em> of {@link #rangeSize(int) N + 2} periods (CloudWatch
 * "retrieves a higher number of data points than specified by Evaluation Periods"; its tables use 5 for N = 3, and
 * N + 2 is the rule that reproduces them). Then:
 * <ol>
 *   <li>at least N datapoints exist: the N most recent existing datapoints are evaluated, missing ones are not needed;
 *       M or more breaching gives ALARM, else OK;
 *   <li>none exists: {@code missing} gives INSUFFICIENT_DATA, {@code ignore} keeps the state, {@code breaching}
 *       ALARM, {@code notBreaching} OK;
 *   <li>some but fewer than N exist: every existing datapoint counts, and the rest up to N are filled:
 *       <ul>
 *         <li>{@code breaching} / {@code notBreaching}: filled as breaching / not breaching, then M of N decides;
 *         <li>{@code missing} / {@code ignore}: nothing is filled. M breaching gives ALARM; else a non-breaching
 *             datapoint gives OK; else (only breaching datapoints, fewer than M) the decision is open: when the N most
 *             recent periods are all missing (data stopped after breaching) {@code missing} gives ALARM, otherwise
 *             INSUFFICIENT_DATA; {@code ignore} keeps the state in both cases.
 *       </ul>
 * </ol>
 * The open case is the one place where the guide states results (table 1, rows 5 and 6) without a general rule; the
 * rule above is the simplest that gives exactly its results. Stateless and thread-safe.
 */
public final class AlarmEvaluator {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("dd/MM/yy HH:mm:ss").withZone(ZoneOffset.UTC);

    private AlarmEvaluator() {}

    /**
     * The result of one evaluation.
     *
     * @param state the state the alarm should be in (equal to the current one when nothing changes)
     * @param reason CloudWatch-style state reason
     */
    public record Result(AlarmState state, String reason) {}

    /** The number of periods an evaluation looks at for {@code evaluationPeriods} N. */
    public static int rangeSize(int evaluationPeriods) {
        return evaluationPeriods + 2;
    }

    /**
     * Evaluates {@code range} (oldest first, {@link #rangeSize} datapoints ending with the period just completed).
     *
     * @param current the alarm's state now (kept by {@code ignore} when the data leave the decision open)
     * @param currentReason the reason of the current state, returned with it when the state is kept
     */
    public static Result evaluate(AlarmDefinition def, List<Datapoint> range, AlarmState current, String currentReason) {
        int n = def.evaluationPeriods();
        int m = def.datapointsToAlarm();
        if (range.size() != rangeSize(n)) {
            throw new IllegalArgumentException("expected " + rangeSize(n) + " datapoints, got " + range.size());
        }
        List<Datapoint> existing = new ArrayList<>();
        for (Datapoint d : range) {
            if (!d.isMissing()) {
                existing.add(d);
            }
        }
        TreatMissingData treat = def.treatMissingData();
        if (existing.size() >= n) {
            List<Datapoint> evaluated = existing.subList(existing.size() - n, existing.size());
            return threshold(def, evaluated, 0, false);
        }
        if (existing.isEmpty()) {
            return switch (treat) {
                case missing -> new Result(AlarmState.INSUFFICIENT_DATA, "Insufficient Data: " + count(n, "datapoint")
                        + (n == 1 ? " was" : " were") + " unknown.");
                case ignore -> new Result(current, currentReason);
                case breaching -> new Result(AlarmState.ALARM, noData(n, "Breaching"));
                case notBreaching -> new Result(AlarmState.OK, noData(n, "NonBreaching"));
            };
        }
        int fill = n - existing.size();
        if (treat == TreatMissingData.breaching || treat == TreatMissingData.notBreaching) {
            return threshold(def, existing, fill, treat == TreatMissingData.breaching);
        }
        int breaching = 0;
        for (Datapoint d : existing) {
            if (def.operator().breaches(d.value(), def.threshold())) {
                breaching++;
            }
        }
        if (breaching >= m || breaching < existing.size()) {
            return threshold(def, existing, 0, false);
        }
        boolean recentAllMissing = true;
        for (int i = range.size() - n; i < range.size(); i++) {
            recentAllMissing &= range.get(i).isMissing();
        }
        if (treat == TreatMissingData.ignore) {
            return new Result(current, currentReason);
        }
        if (recentAllMissing) {
            return new Result(AlarmState.ALARM, "Threshold Crossed: no datapoints were received for " + count(n, "period")
                    + "; the most recent " + count(existing.size(), "datapoint") + " " + list(existing) + " "
                    + (existing.size() == 1 ? "was " : "were ") + def.operator().words() + " the threshold ("
                    + def.threshold() + ") and none was within it.");
        }
        return new Result(AlarmState.INSUFFICIENT_DATA, "Insufficient Data: " + count(fill, "datapoint")
                + (fill == 1 ? " was" : " were") + " unknown; " + count(breaching, "breaching datapoint")
                + " of the " + m + " needed for ALARM.");
    }

    /** M of N over {@code evaluated} plus {@code fill} missing datapoints treated as breaching or not. */
    private static Result threshold(AlarmDefinition def, List<Datapoint> evaluated, int fill, boolean fillBreaching) {
        List<Datapoint> breaching = new ArrayList<>();
        List<Datapoint> within = new ArrayList<>();
        for (Datapoint d : evaluated) {
            (def.operator().breaches(d.value(), def.threshold()) ? breaching : within).add(d);
        }
        int n = def.evaluationPeriods();
        int m = def.datapointsToAlarm();
        int b = breaching.size() + (fillBreaching ? fill : 0);
        int total = evaluated.size() + fill;
        String missingNote = fill == 0 ? ""
                : " and " + count(fill, "missing datapoint") + (fill == 1 ? " was" : " were") + " treated as ["
                + (fillBreaching ? "Breaching" : "NonBreaching") + "]";
        String thresholdText = " the threshold (" + def.threshold() + ")";
        if (b >= m) {
            String head = total == 1 && fill == 0 ? "1 datapoint"
                    : breaching.size() + " out of the last " + evaluated.size() + " datapoints";
            return new Result(AlarmState.ALARM, "Threshold Crossed: " + head + " " + list(breaching)
                    + (breaching.size() == 1 ? " was " : " were ") + def.operator().words() + thresholdText + missingNote
                    + (n > 1 ? " (minimum " + count(m, "datapoint") + " for OK -> ALARM transition)." : "."));
        }
        String head = total == 1 && fill == 0 ? "1 datapoint"
                : within.size() + " out of the last " + evaluated.size() + " datapoints";
        return new Result(AlarmState.OK, "Threshold Crossed: " + head + " " + list(within)
                + (within.size() == 1 ? " was" : " were") + " not " + def.operator().words() + thresholdText + missingNote
                + (n > 1 ? " (minimum " + count(n - m + 1, "datapoint") + " for ALARM -> OK transition)." : "."));
    }

    private static String noData(int n, String as) {
        return "Threshold Crossed: no datapoints were received for " + count(n, "period") + " and " + count(n, "missing datapoint")
                + (n == 1 ? " was" : " were") + " treated as [" + as + "].";
    }

    /** Datapoints newest first, as CloudWatch lists them: {@code [4.0 (02/12/26 01:05:00), ...]}. */
    private static String list(List<Datapoint> points) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = points.size() - 1; i >= 0; i--) {
            Datapoint d = points.get(i);
            sb.append(d.value()).append(" (").append(STAMP.format(d.start())).append(')');
            if (i > 0) {
                sb.append(", ");
            }
        }
        return sb.append(']').toString();
    }

    private static String count(int k, String noun) {
        return k + " " + noun + (k == 1 ? "" : "s");
    }
}
