package gatehouse.secrets.regex;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * Differential Jazzer target for the prefilter's regex reader: for any regex RE2/J accepts, building a prefilter
 * either declines (null) or yields one under which {@link RegexScan} finds exactly RE2/J's matches in any text.
 * Under plain {@code mvn test} it replays the seeds in {@code PrefilterFuzzTestInputs/}; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class PrefilterFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void sameMatchesAsRe2j(FuzzedDataProvider data) {
        String regex = data.consumeString(200);
        String text = data.consumeRemainingAsString();
        Pattern pattern;
        try {
            pattern = Pattern.compile(regex);
            RegexScan.afterOne(regex);
        } catch (PatternSyntaxException | IllegalArgumentException e) {
            return;
        }
        Prefilter prefilter = Prefilter.of(regex);
        assertThat(RegexScanTest.prefiltered(regex, pattern, prefilter, text)).as(regex).isEqualTo(RegexScanTest.plain(pattern, text));
    }
}
