package gatehouse.guard.parse;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz target for the Guard parser. Under plain {@code mvn test} it replays the seed inputs in
 * {@code src/test/resources/gatehouse/guard/parse/ParserFuzzTestInputs/}; with {@code JAZZER_FUZZ=1} it fuzzes.
 * Contract: any text parses or throws {@link GuardParseException}; nothing else escapes.
 */
class ParserFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parse(byte[] data) {
        String text = new String(data, java.nio.charset.StandardCharsets.UTF_8);
        try {
            Parser.parse("fuzz.guard", text);
        } catch (GuardParseException expected) {
            // a clean diagnostic is the only acceptable failure
        }
    }
}
