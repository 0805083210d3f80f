package gatehouse.monitor.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import gatehouse.core.InputException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Metric values, default values and dimensions, and the rules the constructor enforces. */
class MetricFilterTest {
    static MetricFilter filter(String pattern, String value, Double dflt, Map<String, String> dims) {
        return new MetricFilter("f", FilterPattern.parse(pattern), "m", "ns", value, dflt, dims);
    }

    @Test
    void countsOnePerMatchingEvent() {
        MetricFilter f = filter("ERROR", "1", null, Map.of());
        assertThat(f.apply(Event.of("ERROR x"))).contains(new MetricDatum("ns", "m", 1, Map.of(), false));
        assertThat(f.apply(Event.of("INFO x"))).isEmpty();
    }

    @Test
    void defaultValueForANonMatchingEvent() {
        // AWS docs example: metric value 1, default value 0; a minute with no match reports 0 per event
        MetricFilter f = filter("ERROR", "1", 0.0, Map.of());
        assertThat(f.apply(Event.of("INFO x"))).contains(new MetricDatum("ns", "m", 0, Map.of(), true));
        assertThat(f.apply(Event.of("ERROR x")).map(MetricDatum::value)).contains(1.0);
    }

    @Test
    void jsonSelectorValue() {
        // AWS docs example: metricFilter { $.latency = * }, metricValue $.latency
        MetricFilter f = filter("{ $.latency = * }", "$.latency", null, Map.of());
        assertThat(f.apply(Event.of("{\"latency\": 42.5}")).map(MetricDatum::value)).contains(42.5);
        assertThat(f.apply(Event.of("{\"latency\": \"17\"}")).map(MetricDatum::value)).contains(17.0);
        assertThat(f.apply(Event.of("{\"latency\": \"1e3\"}"))).as("no scientific notation in strings").isEmpty();
        assertThat(f.apply(Event.of("{\"latency\": \"fast\"}"))).isEmpty();
        assertThat(f.apply(Event.of("{\"other\": 1}"))).isEmpty();
    }

    @Test
    void spaceDelimitedFieldValueAndDimensions() {
        Map<String, String> dims = new LinkedHashMap<>();
        dims.put("Server", "$server");
        dims.put("Status", "$status");
        MetricFilter f = filter("[server, status = 5*, size]", "$size", null, dims);
        Optional<MetricDatum> d = f.apply(Event.of("web-1 503 2048"));
        assertThat(d).isPresent();
        assertThat(d.get().value()).isEqualTo(2048);
        assertThat(d.get().dimensions()).containsExactly(Map.entry("Server", "web-1"), Map.entry("Status", "503"));
        assertThat(f.apply(Event.of("web-1 200 2048"))).isEmpty();
        assertThat(filter("[a, ..., b]", "$2", null, Map.of()).apply(Event.of("x 7 8 y")).map(MetricDatum::value))
                .as("$N names an unnamed field").contains(7.0);
    }

    @Test
    void jsonDimensionMissingMeansNoDatum() {
        MetricFilter f = filter("{ $.eventName = * }", "1", null, Map.of("Source", "$.eventSource"));
        assertThat(f.apply(Event.of("{\"eventName\": \"A\", \"eventSource\": \"s3.amazonaws.com\"}")).map(MetricDatum::dimensions))
                .contains(Map.of("Source", "s3.amazonaws.com"));
        assertThat(f.apply(Event.of("{\"eventName\": \"A\"}"))).isEmpty();
    }

    static String headline(Runnable r) {
        return catchThrowableOfType(InputException.class, r::run).first().headline();
    }

    @Test
    void rulesOfTheApi() {
        assertThat(headline(() -> filter("{ $.a = 1 }", "1", 0.0, Map.of("D", "$.a"))))
                .isEqualTo("defaultValue:1:1: error: a default value cannot be combined with dimensions");
        assertThat(headline(() -> filter("{ $.a = 1 }", "1", null, Map.of("A", "$.a", "B", "$.b", "C", "$.c", "D", "$.d"))))
                .isEqualTo("dimensions:1:1: error: 4 dimensions; a metric filter may have at most 3");
        assertThat(headline(() -> filter("ERROR", "1", null, Map.of("D", "$.a"))))
                .isEqualTo("dimension D:1:1: error: dimensions need a JSON or space-delimited pattern");
        assertThat(headline(() -> filter("ERROR", "$.a", null, Map.of())))
                .isEqualTo("metricValue:1:1: error: '$.a' is a JSON selector but the pattern is not a JSON pattern");
        assertThat(headline(() -> filter("[a, b]", "$c", null, Map.of())))
                .isEqualTo("metricValue:1:1: error: the pattern has no field 'c'");
        assertThat(headline(() -> filter("{ $.a = 1 }", "$.a[*]", null, Map.of())))
                .isEqualTo("metricValue:1:5: error: '[*]' is not supported in CloudWatch filter patterns");
        assertThat(headline(() -> filter("{ $.a = 1 }", "many", null, Map.of())))
                .isEqualTo("metricValue:1:1: error: 'many' is not a number, a $.selector or a $field");
        assertThat(headline(() -> new MetricFilter("a:b", FilterPattern.parse(""), "m", "ns", "1", null, Map.of())))
                .isEqualTo("filterName:1:1: error: ':' is not allowed in filterName");
        assertThat(headline(() -> new MetricFilter("f", FilterPattern.parse(""), "m$", "ns", "1", null, Map.of())))
                .isEqualTo("metricName:1:1: error: '$' is not allowed in metricName");
    }
}
