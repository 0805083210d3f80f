package gatehouse.monitor.alarm;

import java.time.Instant;
import java.util.Objects;

/**
 * One period's value of an alarm's metric, or its absence.
 *
 * @param start the period's start (inclusive); the period ends {@code period} seconds later (exclusive)
 * @param value the statistic's value, or null when the period had no samples (missing data)
 * @param sampleCount the number of samples in the period (0 when missing)
 */
public record Datapoint(Instant start, Double value, long sampleCount) {
    public Datapoint {
        Objects.requireNonNull(start, "start");
        if (value == null && sampleCount != 0) {
            throw new IllegalArgumentException("a missing datapoint has no samples");
        }
    }

    public static Datapoint missing(Instant start) {
        return new Datapoint(start, null, 0);
    }

    public boolean isMissing() {
        return value == null;
    }
}
