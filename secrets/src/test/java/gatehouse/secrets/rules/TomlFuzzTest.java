package gatehouse.secrets.rules;

import com.code_intelligence.jazzer.junit.FuzzTest;
import gatehouse.core.InputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Jazzer fuzz target for the TOML reader and the gitleaks configuration loader. Under plain {@code mvn test} it
 * replays the seeds in {@code src/test/resources/gatehouse/secrets/rules/TomlFuzzTestInputs/}; with
 * {@code JAZZER_FUZZ=1} it fuzzes. Contract: any text loads, or fails with {@link Toml.TomlException} (the reader)
 * or {@link InputException} (the loader); nothing else escapes, nothing hangs.
 */
class TomlFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void parse(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            Toml.parseDocument(text);
        } catch (Toml.TomlException expected) {
            // a syntax error with its line and column is the only acceptable failure
        }
        try {
            new GitleaksConfig(Path.of(".")).parse("fuzz.toml", text, null, 0);
        } catch (InputException expected) {
            // a one-line diagnostic
        }
    }
}
