/**
 * Metrics as CloudWatch keeps them: a {@link gatehouse.monitor.metrics.Statistic} names how one period's samples
 * become one datapoint, an {@link gatehouse.monitor.metrics.Aggregate} holds one period's samples. Metric filters
 * ({@link gatehouse.monitor.filter.MetricFilter}) produce the samples; alarms ({@code gatehouse.monitor.alarm})
 * consume the datapoints.
 */
package gatehouse.monitor.metrics;
