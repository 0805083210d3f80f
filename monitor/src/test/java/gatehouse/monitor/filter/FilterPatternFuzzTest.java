package gatehouse.monitor.filter;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz target for the filter pattern parser and evaluator. Under plain {@code mvn test} it replays the seeds
 * in {@code src/test/resources/gatehouse/monitor/filter/FilterPatternFuzzTestInputs/}; with {@code JAZZER_FUZZ=1}
 * it fuzzes. Contract: any text parses or fails with {@link FilterPatternException}; a parsed pattern evaluates
 * against text and JSON events without throwing; nothing hangs (RE2 is linear-time, nesting is bounded).
 */
class FilterPatternFuzzTest {
    private static final String JSON_EVENT = "{\"a\": [[0, 1.5], \"x\"], \"b\": null, \"c\": \"x y\", \"errorCode\": \"AccessDenied\","
            + " \"userIdentity\": {\"type\": \"Root\"}, \"eventType\": \"AwsApiCall\"}";
    private static final String TEXT_EVENT = "127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \"GET /index.html HTTP/1.0\" 404 1534";

    @FuzzTest(maxDuration = "30s")
    void parse(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        FilterPattern p;
        try {
            p = FilterPattern.parse(text);
        } catch (FilterPatternException expected) {
            return; // a positioned diagnostic is the only acceptable failure
        }
        p.match(Event.of(JSON_EVENT));
        p.match(Event.of(TEXT_EVENT));
        p.matches(Event.of(text));
    }
}
