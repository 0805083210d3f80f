package gatehouse.monitor.alarm;

/** The three states of a CloudWatch alarm; every alarm starts in {@link #INSUFFICIENT_DATA}. */
public enum AlarmState {
    /** The metric is within the threshold. */
    OK,
    /** The metric is outside the threshold for enough datapoints (M of N). */
    ALARM,
    /** The alarm has just started or not enough data is there to decide. */
    INSUFFICIENT_DATA
}
