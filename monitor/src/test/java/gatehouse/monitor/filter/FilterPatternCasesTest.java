package gatehouse.monitor.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Runs every case of {@code filter-pattern-cases.yaml}: the AWS documentation's examples, the rules of
 * FILTER-PATTERNS.md and the decisions of docs/filter-patterns.md. One dynamic test per case; a case that asserts
 * nothing fails.
 */
class FilterPatternCasesTest {
    @SuppressWarnings("unchecked")
    static Map<String, Object> fixture() throws IOException {
        try (InputStream in = FilterPatternCasesTest.class.getResourceAsStream("filter-pattern-cases.yaml")) {
            return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromInputStream(in);
        }
    }

    @TestFactory
    @SuppressWarnings("unchecked")
    Stream<DynamicTest> cases() throws IOException {
        Map<String, Object> f = fixture();
        Map<String, String> shared = (Map<String, String>) f.get("events");
        List<Map<String, Object>> cases = (List<Map<String, Object>>) f.get("cases");
        assertThat(cases).hasSizeGreaterThan(100);
        return cases.stream().map(c -> DynamicTest.dynamicTest((String) c.get("name"), () -> run(c, shared)));
    }

    @SuppressWarnings("unchecked")
    static void run(Map<String, Object> c, Map<String, String> shared) {
        String pattern = (String) c.get("pattern");
        assertThat(c.get("source")).as("every case names its source").isNotNull();
        int asserted = 0;
        if (c.containsKey("error")) {
            FilterPatternException e = catchThrowableOfType(FilterPatternException.class, () -> FilterPattern.parse(pattern));
            assertThat(e).as("parse error for " + pattern).isNotNull();
            assertThat(e.first().headline()).isEqualTo(c.get("error"));
            assertThat(e.first().hint()).isNotBlank();
            if (pattern.length() < 400) { // Diagnostic shows a caret excerpt for lines it can print
                assertThat(e.first().render()).contains("^");
            }
            if (c.containsKey("hint")) {
                assertThat(e.first().hint()).contains((String) c.get("hint"));
            }
            return;
        }
        FilterPattern p = FilterPattern.parse(pattern);
        for (String ev : (List<String>) c.getOrDefault("match", List.of())) {
            Event e = Event.of(resolve(ev, shared));
            assertThat(p.match(e).matched()).as("'%s' should match %s", pattern, ev).isTrue();
            assertThat(p.matches(Event.of(resolve(ev, shared)))).as("fast path agrees").isTrue();
            asserted++;
        }
        for (String ev : (List<String>) c.getOrDefault("nomatch", List.of())) {
            Event e = Event.of(resolve(ev, shared));
            assertThat(p.match(e).matched()).as("'%s' should not match %s", pattern, ev).isFalse();
            assertThat(p.matches(Event.of(resolve(ev, shared)))).as("fast path agrees").isFalse();
            asserted++;
        }
        for (Map<String, Object> ev : (List<Map<String, Object>>) c.getOrDefault("events", List.of())) {
            Match m = p.match(Event.of(resolve((String) ev.get("event"), shared)));
            assertThat(m.matched()).as("'%s' on %s", pattern, ev.get("event")).isEqualTo(ev.get("match"));
            if (ev.containsKey("extracted")) {
                Map<String, String> want = new LinkedHashMap<>();
                ((Map<String, Object>) ev.get("extracted")).forEach((k, v) -> want.put(k, String.valueOf(v)));
                assertThat(new ArrayList<>(m.extracted().entrySet())).containsExactlyElementsOf(want.entrySet());
            }
            asserted++;
        }
        assertThat(asserted).as("case asserts something").isPositive();
    }

    static String resolve(String ev, Map<String, String> shared) {
        if (ev.startsWith("@")) {
            String s = shared.get(ev.substring(1));
            assertThat(s).as("shared event " + ev).isNotNull();
            return s;
        }
        return ev;
    }
}
