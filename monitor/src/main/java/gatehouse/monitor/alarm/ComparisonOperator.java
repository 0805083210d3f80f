package gatehouse.monitor.alarm;

/**
 * How a datapoint is compared with the threshold: the four static-threshold operators of CloudWatch's
 * {@code PutMetricAlarm} (the anomaly-detection band operators need a model, which Gatehouse does not have).
 */
public enum ComparisonOperator {
    GreaterThanOrEqualToThreshold(">=", "greater than or equal to"),
    GreaterThanThreshold(">", "greater than"),
    LessThanThreshold("<", "less than"),
    LessThanOrEqualToThreshold("<=", "less than or equal to");

    private final String symbol;
    private final String words;

    ComparisonOperator(String symbol, String words) {
        this.symbol = symbol;
        this.words = words;
    }

    /** Whether {@code value} breaches {@code threshold}. */
    public boolean breaches(double value, double threshold) {
        return switch (this) {
            case GreaterThanOrEqualToThreshold -> value >= threshold;
            case GreaterThanThreshold -> value > threshold;
            case LessThanThreshold -> value < threshold;
            case LessThanOrEqualToThreshold -> value <= threshold;
        };
    }

    /** {@code >=}, {@code >}, {@code <} or {@code <=}. */
    public String symbol() {
        return symbol;
    }

    /** The operator as CloudWatch's state reasons word it ("greater than or equal to"). */
    public String words() {
        return words;
    }

    /** The operator named as in CloudWatch's API, or null. */
    public static ComparisonOperator byName(String name) {
        for (ComparisonOperator o : values()) {
            if (o.name().equals(name)) {
                return o;
            }
        }
        return null;
    }
}
