package gatehouse.monitor.filter;

import java.util.Map;

/**
 * The result of testing one event against one pattern, shaped like CloudWatch's {@code TestMetricFilter}
 * answer: whether it matched and, for space-delimited patterns, the extracted fields ({@code $name} for named
 * fields, {@code $N} (1-based position) for fields an ellipsis or an empty slot covers). Term and JSON patterns
 * extract nothing: their metric values and dimensions are read from the event by selector
 * ({@link MetricFilter}).
 *
 * @param matched whether the event matched
 * @param extracted the extracted fields in event order; empty when nothing matched or nothing is extracted
 */
public record Match(boolean matched, Map<String, String> extracted) {
    /** A shared no-match answer: evaluation allocates nothing when an event does not match. */
    public static final Match NO = new Match(false, Map.of());
    /** A shared match answer for patterns that extract nothing. */
    public static final Match YES = new Match(true, Map.of());

    public Match {
        extracted = extracted.isEmpty() ? Map.of()
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extracted)); // keeps event order
    }
}
