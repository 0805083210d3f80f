package gatehouse.monitor.filter;

import java.util.Map;

/**
 * One data point a metric filter emits for one event: the value to add to the metric in the event's minute, with
 * its dimensions. Aggregation into periods (CloudWatch sums per minute) is the alarm evaluator's business.
 *
 * @param namespace the metric namespace
 * @param metricName the metric name
 * @param value the amount to add: the metric value of a matching event, or the default value of one that did not match
 * @param dimensions dimension name to value, in the filter's order; empty for default values
 * @param fromDefault whether the value is the filter's default value (the event did not match)
 */
public record MetricDatum(String namespace, String metricName, double value, Map<String, String> dimensions, boolean fromDefault) {
    public MetricDatum {
        dimensions = dimensions.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(dimensions));
    }
}
