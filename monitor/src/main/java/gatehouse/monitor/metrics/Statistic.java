package gatehouse.monitor.metrics;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CloudWatch statistic over the samples of one period: {@code Sum}, {@code Average}, {@code Minimum},
 * {@code Maximum}, {@code SampleCount}, or a percentile {@code pNN} / {@code pNN.NN} (0 to 100).
 *
 * <p>Percentiles need every sample of the period, so only alarms on a percentile keep them ({@link #needsSamples});
 * the value is the nearest-rank percentile (the smallest sample with at least {@code p}% of the samples at or below
 * it), CloudWatch's definition for exact data (docs/alarms.md, "Statistics").
 *
 * @param kind which statistic
 * @param percentile for {@link Kind#PERCENTILE}, the percentile in [0, 100]; otherwise 0
 */
public record Statistic(Kind kind, double percentile) {
    private static final Pattern PERCENTILE = Pattern.compile("p(\\d{1,3}(?:\\.\\d{1,10})?)");

    /** The statistics CloudWatch alarms accept on a single metric. */
    public enum Kind { SUM, AVERAGE, MINIMUM, MAXIMUM, SAMPLE_COUNT, PERCENTILE }

    public Statistic {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.PERCENTILE ? !(percentile >= 0 && percentile <= 100) : percentile != 0) {
            throw new IllegalArgumentException("bad percentile " + percentile + " for " + kind);
        }
    }

    public static final Statistic SUM = new Statistic(Kind.SUM, 0);

    /**
     * Parses CloudWatch's spelling ({@code Sum}, {@code Average}, {@code Minimum}, {@code Maximum},
     * {@code SampleCount}, {@code p99}, {@code p99.9}).
     *
     * @throws IllegalArgumentException with a message fit for users when the name is none of these
     */
    public static Statistic parse(String text) {
        switch (text) {
            case "Sum": return SUM;
            case "Average": return new Statistic(Kind.AVERAGE, 0);
            case "Minimum": return new Statistic(Kind.MINIMUM, 0);
            case "Maximum": return new Statistic(Kind.MAXIMUM, 0);
            case "SampleCount": return new Statistic(Kind.SAMPLE_COUNT, 0);
            default:
                Matcher m = PERCENTILE.matcher(text);
                if (m.matches()) {
                    double p = Double.parseDouble(m.group(1));
                    if (p <= 100) {
                        return new Statistic(Kind.PERCENTILE, p);
                    }
                }
                throw new IllegalArgumentException("unknown statistic '" + text
                        + "' (expected Sum, Average, Minimum, Maximum, SampleCount or a percentile such as p99)");
        }
    }

    /** Whether the period's individual samples must be kept to compute this statistic. */
    public boolean needsSamples() {
        return kind == Kind.PERCENTILE;
    }

    /** CloudWatch's spelling, as accepted by {@link #parse}. */
    public String display() {
        return switch (kind) {
            case SUM -> "Sum";
            case AVERAGE -> "Average";
            case MINIMUM -> "Minimum";
            case MAXIMUM -> "Maximum";
            case SAMPLE_COUNT -> "SampleCount";
            case PERCENTILE -> "p" + (percentile == Math.rint(percentile) ? Long.toString((long) percentile)
                    : String.format(Locale.ROOT, "%s", percentile));
        };
    }
}
