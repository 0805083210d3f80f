/**
 * CloudWatch Logs metric filter patterns, as the AWS documentation specifies them: term patterns on
 * unstructured text, JSON patterns ({@code { $.x = ... }}) and space-delimited patterns ({@code [a, b, ...]}),
 * with metric value and dimension extraction ({@link gatehouse.monitor.filter.MetricFilter}).
 *
 * <p>Parse once with {@link gatehouse.monitor.filter.FilterPattern#parse(String)}, then evaluate the immutable,
 * thread-safe pattern against many {@link gatehouse.monitor.filter.Event}s; an event parses its JSON at most once
 * however many patterns look at it. Syntax and every decision where the AWS documentation is silent:
 * {@code docs/filter-patterns.md}.
 */
package gatehouse.monitor.filter;
