package gatehouse.monitor.metrics;

import java.util.Arrays;

/**
 * The samples one metric received in one period: count, sum, minimum, maximum and, when a percentile is asked for,
 * the samples themselves. This is what CloudWatch keeps per period to answer every statistic (a statistic set plus
 * the raw values for percentiles).
 *
 * <p>Mutable and not thread-safe: an {@link gatehouse.monitor.alarm.AlarmEngine} owns its aggregates.
 */
public final class Aggregate {
    private long count;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double[] samples;
    private int size;

    /** An empty aggregate; {@code keepSamples} for percentile statistics. */
    public Aggregate(boolean keepSamples) {
        this.samples = keepSamples ? new double[4] : null;
    }

    /** An aggregate restored from its parts (see {@link #samples()}); {@code samples} null when none are kept. */
    public static Aggregate restore(long count, double sum, double min, double max, double[] samples) {
        Aggregate a = new Aggregate(samples != null);
        a.count = count;
        a.sum = sum;
        a.min = min;
        a.max = max;
        if (samples != null) {
            a.samples = samples.length == 0 ? new double[4] : samples.clone();
            a.size = samples.length;
        }
        return a;
    }

    /** Adds one sample. */
    public void add(double value) {
        count++;
        sum += value;
        if (value < min) {
            min = value;
        }
        if (value > max) {
            max = value;
        }
        if (samples != null) {
            if (size == samples.length) {
                samples = Arrays.copyOf(samples, size * 2);
            }
            samples[size++] = value;
        }
    }

    public long count() {
        return count;
    }

    public double sum() {
        return sum;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    /** The kept samples in arrival order (a copy), or null when this aggregate keeps none. */
    public double[] samples() {
        return samples == null ? null : Arrays.copyOf(samples, size);
    }

    /**
     * The statistic's value for this period. Never called on an empty aggregate (an empty period is missing data).
     *
     * @throws IllegalStateException for a percentile when the samples were not kept
     */
    public double value(Statistic s) {
        return switch (s.kind()) {
            case SUM -> sum;
            case AVERAGE -> sum / count;
            case MINIMUM -> min;
            case MAXIMUM -> max;
            case SAMPLE_COUNT -> count;
            case PERCENTILE -> percentile(s.percentile());
        };
    }

    private double percentile(double p) {
        if (samples == null) {
            throw new IllegalStateException("percentile asked of an aggregate that keeps no samples");
        }
        double[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * size); // nearest rank, 1-based
        return sorted[Math.max(0, Math.min(size - 1, rank - 1))];
    }
}
