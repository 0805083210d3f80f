package gatehouse.monitor.alarm;

import gatehouse.monitor.metrics.Statistic;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A metric alarm as CloudWatch's {@code PutMetricAlarm} defines one, with static threshold.
 *
 * <p>Checked in the constructor with CloudWatch's own limits, each violation an {@link IllegalArgumentException}
 * whose message names the field (the config loader turns it into a positioned diagnostic): a period of 10, 30 or a
 * multiple of 60 seconds; at least one evaluation period; {@code 1 <= datapointsToAlarm <= evaluationPeriods};
 * {@code evaluationPeriods * period} at most one day; a finite threshold.
 *
 * @param name the alarm name (1 to 255 characters)
 * @param description free text, may be empty
 * @param namespace the metric namespace
 * @param metricName the metric name
 * @param dimensions the metric's full dimension set (a metric is identified by namespace, name and all dimensions)
 * @param statistic how each period's samples become one datapoint
 * @param periodSeconds the length of a period
 * @param evaluationPeriods N: the most recent periods considered
 * @param datapointsToAlarm M: breaching datapoints among N needed for ALARM
 * @param operator how a datapoint is compared with the threshold
 * @param threshold the threshold
 * @param treatMissingData how periods without samples count
 */
public record AlarmDefinition(String name, String description, String namespace, String metricName,
                              Map<String, String> dimensions, Statistic statistic, int periodSeconds,
                              int evaluationPeriods, int datapointsToAlarm, ComparisonOperator operator,
                              double threshold, TreatMissingData treatMissingData) {
    public AlarmDefinition {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(metricName, "metricName");
        dimensions = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(dimensions, "dimensions")));
        Objects.requireNonNull(statistic, "statistic");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(treatMissingData, "treatMissingData");
        if (name.isEmpty() || name.length() > 255) {
            throw new IllegalArgumentException("name: an alarm name must be 1 to 255 characters");
        }
        if (!(periodSeconds == 10 || periodSeconds == 30 || (periodSeconds > 0 && periodSeconds % 60 == 0))) {
            throw new IllegalArgumentException("period: " + periodSeconds + " is not 10, 30 or a multiple of 60 seconds");
        }
        if (evaluationPeriods < 1) {
            throw new IllegalArgumentException("evaluationPeriods: must be at least 1");
        }
        if (datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods) {
            throw new IllegalArgumentException("datapointsToAlarm: must be from 1 to evaluationPeriods (" + evaluationPeriods + ")");
        }
        if ((long) evaluationPeriods * periodSeconds > 86_400) {
            throw new IllegalArgumentException("evaluationPeriods: evaluationPeriods x period may not exceed one day (86400 s)");
        }
        if (Double.isNaN(threshold) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("threshold: must be a finite number");
        }
    }

    /** {@code period} in milliseconds. */
    public long periodMillis() {
        return periodSeconds * 1000L;
    }

    /**
     * Everything that decides the alarm's state, as one string: a stored state whose fingerprint differs was made by
     * another definition and must not be continued.
     */
    public String fingerprint() {
        return String.join("|", namespace, metricName, new TreeMap<>(dimensions).toString(), statistic.display(),
                Integer.toString(periodSeconds), Integer.toString(evaluationPeriods), Integer.toString(datapointsToAlarm),
                operator.name(), Double.toString(threshold), treatMissingData.name());
    }
}
