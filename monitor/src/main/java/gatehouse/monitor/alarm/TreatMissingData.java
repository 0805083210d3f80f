package gatehouse.monitor.alarm;

/**
 * How an alarm treats periods without data, CloudWatch's {@code TreatMissingData} (default {@link #missing}). The
 * exact behaviour of each, including the evaluation range of N + 2 periods, is in {@link AlarmEvaluator}.
 */
public enum TreatMissingData {
    /** Missing datapoints are not considered; all missing means INSUFFICIENT_DATA. */
    missing,
    /** The current state is kept when missing data leaves the decision open. */
    ignore,
    /** Missing datapoints count as breaching. */
    breaching,
    /** Missing datapoints count as within the threshold. */
    notBreaching;

    /** The value named as in CloudWatch's API, or null. */
    public static TreatMissingData byName(String name) {
        for (TreatMissingData t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
