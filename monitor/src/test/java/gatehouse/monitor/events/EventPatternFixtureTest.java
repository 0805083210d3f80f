package gatehouse.monitor.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.core.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The data-driven conformance fixture: {@code patterns.jsonl} holds (pattern, event, expected) cases, each marked
 * "AWS docs example" (rebuilt from the examples of AWS's "Amazon EventBridge event patterns" and "Content filtering"
 * pages) or "edge case"; {@code pattern-errors.jsonl} holds invalid patterns with the exact first line of the
 * diagnostic and a fragment of its hint. Every case runs both through {@link EventPattern#matches} and through a
 * {@link RuleSet} holding every fixture pattern, so the two paths must agree.
 */
class EventPatternFixtureTest {
    static final ObjectMapper JSON = new ObjectMapper();

    record Case(String name, String origin, String pattern, JsonNode event, boolean match) {
        @Override
        public String toString() {
            return name + " (" + origin + ")";
        }
    }

    static List<Case> cases() throws IOException {
        Map<String, JsonNode> defined = new HashMap<>();
        List<Case> out = new ArrayList<>();
        for (JsonNode n : lines("patterns.jsonl")) {
            if (n.has("define")) {
                defined.put(n.get("define").asText(), n.get("event"));
                continue;
            }
            String pattern = n.has("patternText") ? n.get("patternText").asText() : JSON.writeValueAsString(n.get("pattern"));
            JsonNode ev = n.get("event");
            if (ev.isTextual()) {
                String s = ev.asText();
                ev = s.startsWith("@") ? defined.get(s.substring(1)) : JSON.readTree(s);
            }
            assertThat(ev).as("event of %s", n.get("name")).isNotNull();
            out.add(new Case(n.get("name").asText(), n.get("origin").asText(), pattern, ev, n.get("match").asBoolean()));
        }
        return out;
    }

    static List<JsonNode> lines(String resource) throws IOException {
        try (InputStream in = EventPatternFixtureTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            List<JsonNode> out = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
            return out;
        }
    }

    static Stream<Case> matchCases() throws IOException {
        return cases().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matchCases")
    void patternMatchesAsDocumented(Case c) {
        EventPattern p = EventPattern.parse(c.pattern());
        assertThat(p.matches(c.event())).as(c.pattern() + "\n  on " + c.event()).isEqualTo(c.match());
    }

    @Test
    void ruleSetAgreesWithEachPatternOnEveryFixtureEvent() throws IOException {
        List<Case> cases = cases();
        RuleSet.Builder b = RuleSet.builder();
        for (int i = 0; i < cases.size(); i++) {
            b.add("r" + i, EventPattern.parse(cases.get(i).pattern()));
        }
        RuleSet set = b.build();
        for (Case c : cases) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                if (EventPattern.parse(cases.get(i).pattern()).matches(c.event())) {
                    expected.add("r" + i);
                }
            }
            assertThat(set.matches(c.event())).as(c.name()).isEqualTo(expected);
        }
    }

    @Test
    void fixtureHasBothOriginsAndBothOutcomes() throws IOException {
        List<Case> cases = cases();
        assertThat(cases).filteredOn(c -> c.origin().equals("AWS docs example")).hasSizeGreaterThan(50);
        assertThat(cases).filteredOn(c -> c.origin().equals("edge case")).hasSizeGreaterThan(40);
        assertThat(cases).filteredOn(Case::match).hasSizeGreaterThan(40);
        assertThat(cases).filteredOn(c -> !c.match()).hasSizeGreaterThan(30);
    }

    record ErrorCase(String name, String pattern, String error, String hint) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<ErrorCase> errorCases() throws IOException {
        return lines("pattern-errors.jsonl").stream().map(n -> new ErrorCase(n.get("name").asText(),
                n.get("pattern").asText(), n.get("error").asText(), n.path("hint").asText(null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errorCases")
    void invalidPatternIsOneDiagnosticWithPositionAndHint(ErrorCase c) {
        InputException e = catchThrowableOfType(InputException.class, () -> EventPattern.parse(c.pattern()));
        assertThat(e).as("should be rejected: " + c.pattern()).isNotNull();
        assertThat(e.diagnostics()).hasSize(1);
        assertThat(e.first().code()).isEqualTo("event_pattern_error");
        assertThat(e.first().headline()).startsWith(c.error());
        assertThat(e.first().hint()).as("every pattern error has a hint").isNotBlank();
        if (c.hint() != null) {
            assertThat(e.first().hint()).contains(c.hint());
        }
        assertThat(e.first().render()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void fileNameAppearsInTheDiagnostic() {
        assertThatThrownBy(() -> EventPattern.parse("rules/s3.json", "{\"source\": 1}"))
                .isInstanceOf(InputException.class)
                .hasMessageStartingWith("rules/s3.json:1:12: error: \"source\" must be an object or an array");
    }

    @Test
    void nonObjectEventsNeverMatch() throws IOException {
        EventPattern p = EventPattern.parse("{\"a\": [{\"exists\": false}]}");
        assertThat(p.matches(JSON.readTree("{}"))).isTrue();
        assertThat(p.matches(JSON.readTree("[]"))).isFalse();
        assertThat(p.matches(JSON.readTree("\"a\""))).isFalse();
        assertThat(p.matches(null)).isFalse();
    }
}
