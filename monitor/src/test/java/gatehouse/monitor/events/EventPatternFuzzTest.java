package gatehouse.monitor.events;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.core.InputException;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz target for the event-pattern parser and matcher. Under plain {@code mvn test} it replays the seeds in
 * {@code src/test/resources/gatehouse/monitor/events/EventPatternFuzzTestInputs/}; with {@code JAZZER_FUZZ=1} it
 * fuzzes. Contract: any text parses, or fails with one {@link InputException} diagnostic that has a position and a
 * hint; a parsed pattern matches any JSON event (the input itself, read as an event) without throwing.
 */
class EventPatternFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @FuzzTest(maxDuration = "30s")
    void parse(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        EventPattern p;
        try {
            p = EventPattern.parse(text);
        } catch (InputException expected) {
            if (expected.first().span() == null || expected.first().hint() == null) {
                throw new AssertionError("diagnostic without position or hint: " + expected.first().render());
            }
            return;
        }
        JsonNode event;
        try {
            event = JSON.readTree(text);
        } catch (Exception notJson) {
            return;
        }
        p.matches(event);
        RuleSet.builder().add("r", p).build().matches(event);
    }
}
