package gatehouse.monitor.filter;

import com.fasterxml.jackson.databind.JsonNode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A metric filter: a pattern and the one metric transformation CloudWatch Logs allows per filter
 * ({@code PutMetricFilter}'s {@code metricTransformations}, "exactly 1 item"). For each event it yields the data
 * point CloudWatch would add, so detective controls can count matches without CloudWatch.
 *
 * <p>Rules checked in the constructor (AWS API reference and user guide), each violation an
 * {@link InputException} naming the offending field:
 * <ul>
 *   <li>{@code metricValue} is a number ({@code "1"} to count), or {@code $.selector} for a JSON pattern, or
 *       {@code $field} (a declared field, or {@code $N} for an unnamed one) for a space-delimited pattern;
 *   <li>at most 3 dimensions, each {@code $.selector} (JSON) or {@code $field} (space-delimited); term patterns
 *       have none;
 *   <li>a default value cannot be combined with dimensions.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class MetricFilter {
    private static final int MAX_DIMENSIONS = 3;

    private final String name;
    private final FilterPattern pattern;
    private final String metricName;
    private final String namespace;
    private final String metricValue;
    private final Double defaultValue;
    private final Map<String, String> dimensions;
    private final Ref value;
    private final Map<String, Ref> dimensionRefs;

    /** Where a value comes from: a constant, a JSON selector, or an extracted field. */
    private record Ref(double constant, Selector selector, String field) {
        String text(Event e, Match m) {
            if (selector != null) {
                JsonNode j = e.json();
                JsonNode n = j == null ? null : selector.resolve(j);
                return Test.scalar(n) ? Test.textOf(n) : null;
            }
            return m.extracted().get(field);
        }

        /** The number, or NaN when the event has no numeric value there. */
        double number(Event e, Match m) {
            if (selector == null && field == null) {
                return constant;
            }
            if (selector != null) {
                JsonNode j = e.json();
                JsonNode n = j == null ? null : selector.resolve(j);
                if (n != null && n.isNumber()) {
                    return n.doubleValue();
                }
                return n != null && n.isTextual() ? Numbers.plainDecimal(n.textValue()) : Double.NaN;
            }
            String s = m.extracted().get(field);
            return s == null ? Double.NaN : Numbers.plainDecimal(s);
        }
    }

    /**
     * @param name the filter name (1 to 512 characters, no ':' or '*')
     * @param pattern the parsed pattern
     * @param metricName the metric name (1 to 255 characters, no ':', '*' or '$')
     * @param namespace the metric namespace (same rules as the name)
     * @param metricValue what to add per matching event: a number, {@code $.selector} or {@code $field}
     * @param defaultValue what to add per non-matching event, or {@code null} for nothing
     * @param dimensions dimension name to {@code $.selector} / {@code $field}, at most 3; iteration order is kept
     * @throws InputException when a field breaks a rule above
     */
    public MetricFilter(String name, FilterPattern pattern, String metricName, String namespace, String metricValue,
                        Double defaultValue, Map<String, String> dimensions) {
        this.name = check("filterName", name, 512, ":*");
        this.pattern = Objects.requireNonNull(pattern, "pattern");
        this.metricName = check("metricName", metricName, 255, ":*$");
        this.namespace = check("metricNamespace", namespace, 255, ":*$");
        this.metricValue = Objects.requireNonNull(metricValue, "metricValue").strip();
        this.defaultValue = defaultValue;
        this.dimensions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(dimensions, "dimensions")));
        if (defaultValue != null && (defaultValue.isNaN() || defaultValue.isInfinite())) {
            throw error("defaultValue", "the default value must be a finite number", "e.g. 0");
        }
        this.value = ref("metricValue", this.metricValue, true);
        if (this.dimensions.size() > MAX_DIMENSIONS) {
            throw error("dimensions", this.dimensions.size() + " dimensions; a metric filter may have at most " + MAX_DIMENSIONS,
                    "drop a dimension");
        }
        if (!this.dimensions.isEmpty() && defaultValue != null) {
            throw error("defaultValue", "a default value cannot be combined with dimensions",
                    "CloudWatch Logs rejects the pair; drop the default value or the dimensions");
        }
        Map<String, Ref> refs = new LinkedHashMap<>();
        for (Map.Entry<String, String> d : this.dimensions.entrySet()) {
            String where = "dimension " + d.getKey();
            check(where, d.getKey(), 255, "");
            if (pattern.kind() != FilterPattern.Kind.JSON && pattern.kind() != FilterPattern.Kind.DELIMITED) {
                throw error(where, "dimensions need a JSON or space-delimited pattern",
                        "a term pattern has no fields to take a dimension value from");
            }
            refs.put(d.getKey(), ref(where, d.getValue().strip(), false));
        }
        this.dimensionRefs = refs;
    }

    private static String check(String field, String v, int max, String forbidden) {
        Objects.requireNonNull(v, field);
        if (v.isEmpty() || v.length() > max) {
            throw error(field, field + " must be 1 to " + max + " characters", "give a shorter, non-empty value");
        }
        for (int i = 0; i < v.length(); i++) {
            if (forbidden.indexOf(v.charAt(i)) >= 0) {
                throw error(field, "'" + v.charAt(i) + "' is not allowed in " + field, "remove the characters " + forbidden);
            }
        }
        return v;
    }

    private static InputException error(String field, String message, String hint) {
        return new InputException(Diagnostic.of("metric_filter_error", SourceSpan.at(field, 1, 1), message, hint));
    }

    private Ref ref(String where, String text, boolean numberAllowed) {
        if (numberAllowed && Numbers.isLiteral(text)) {
            return new Ref(Double.parseDouble(text), null, null);
        }
        if (text.startsWith("$.")) {
            if (pattern.kind() != FilterPattern.Kind.JSON) {
                throw error(where, "'" + text + "' is a JSON selector but the pattern is not a JSON pattern",
                        pattern.kind() == FilterPattern.Kind.DELIMITED ? "refer to a field as $name" : "use a number, e.g. 1");
            }
            try {
                return new Ref(0, Parser.selectorOnly(text), null);
            } catch (FilterPatternException e) {
                throw new InputException(Diagnostic.of("metric_filter_error", SourceSpan.at(where, 1, e.column()), e.reason(),
                        "a selector is $.name, $.a.b or $.items[0].id"));
            }
        }
        if (text.startsWith("$") && text.length() > 1) {
            String field = text.substring(1);
            if (pattern.kind() != FilterPattern.Kind.DELIMITED) {
                throw error(where, "'" + text + "' names a space-delimited field but the pattern is not space-delimited",
                        pattern.kind() == FilterPattern.Kind.JSON ? "use a JSON selector such as $.bytes" : "use a number, e.g. 1");
            }
            if (!pattern.fields().contains(field) && !field.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw error(where, "the pattern has no field '" + field + "'", "use one of " + pattern.fields()
                        + " or $N for the Nth unnamed field");
            }
            return new Ref(0, null, text);
        }
        throw error(where, "'" + text + "' is not " + (numberAllowed ? "a number, " : "") + "a $.selector or a $field",
                numberAllowed ? "e.g. 1, $.bytes (JSON) or $bytes (space-delimited)" : "e.g. $.eventName (JSON) or $server (space-delimited)");
    }

    /**
     * The data point for one event: on a match, the metric value and dimensions read from the event; on no match,
     * the default value if there is one. Empty when nothing is to be added, and also when a matching event lacks a
     * numeric metric value or a dimension value (CloudWatch publishes nothing for it).
     */
    public Optional<MetricDatum> apply(Event event) {
        boolean needsFields = pattern.kind() == FilterPattern.Kind.DELIMITED
                && (value.field() != null || !dimensionRefs.isEmpty());
        Match m = needsFields ? pattern.match(event) : (pattern.matches(event) ? Match.YES : Match.NO);
        if (!m.matched()) {
            return defaultValue == null ? Optional.empty()
                    : Optional.of(new MetricDatum(namespace, metricName, defaultValue, Map.of(), true));
        }
        double v = value.number(event, m);
        if (Double.isNaN(v)) {
            return Optional.empty();
        }
        Map<String, String> dims = Map.of();
        if (!dimensionRefs.isEmpty()) {
            dims = new LinkedHashMap<>();
            for (Map.Entry<String, Ref> d : dimensionRefs.entrySet()) {
                String t = d.getValue().text(event, m);
                if (t == null) {
                    return Optional.empty();
                }
                dims.put(d.getKey(), t);
            }
        }
        return Optional.of(new MetricDatum(namespace, metricName, v, dims, false));
    }

    /**
     * The paths into a JSON event this filter reads (its pattern's, its metric value's and its dimensions'), or
     * {@code null} when it needs the whole event. See {@link FilterPattern#jsonPaths()}: the values read here are
     * scalars (a container gives no value), so the same reasoning holds.
     */
    public java.util.List<java.util.List<Object>> jsonPaths() {
        java.util.List<java.util.List<Object>> p = pattern.jsonPaths();
        if (p == null) {
            return null;
        }
        java.util.List<java.util.List<Object>> out = new java.util.ArrayList<>(p);
        java.util.List<Ref> refs = new java.util.ArrayList<>(dimensionRefs.values());
        refs.add(value);
        for (Ref r : refs) {
            if (r.field() != null) {
                return null;
            }
            if (r.selector() != null) {
                String[] names = r.selector().names();
                if (names.length == 0 || names[0] == null) {
                    return null;
                }
                out.add(FilterPattern.path(r.selector()));
            }
        }
        return java.util.List.copyOf(out);
    }

    public String name() {
        return name;
    }

    public FilterPattern pattern() {
        return pattern;
    }

    public String metricName() {
        return metricName;
    }

    public String namespace() {
        return namespace;
    }

    public String metricValue() {
        return metricValue;
    }

    /** The default value, or {@code null}. */
    public Double defaultValue() {
        return defaultValue;
    }

    public Map<String, String> dimensions() {
        return dimensions;
    }
}
