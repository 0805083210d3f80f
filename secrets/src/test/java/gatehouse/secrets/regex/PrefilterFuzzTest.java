package gatehouse.secrets.regex;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * Differential Jazzer target for the prefilter's regex reader: for any regex RE2/J accepts, building a prefilter
 * either declines (null) or yields one under which {@link RegexScan} finds exactly RE2/J's matches in any text.
 * The second target does the same for the search near a keyword ({@link RegexScan#forEachNear}); the third holds
 * the {@link Backtracker} to RE2/J's anchored match at every place of the text.
 * Under plain {@code mvn test} it replays the seeds in {@code PrefilterFuzzTestInputs/}; {@code JAZZER_FUZZ=1}
 * fuzzes.
 */
class PrefilterFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void sameMatchesAsRe2j(FuzzedDataProvider data) {
        String regex = data.consumeString(200);
        String text = data.consumeRemainingAsString();
        Pattern pattern;
        if (gatehouse.core.regex.FoldHazard.find(regex) != null) {
            return;                                   // RE2/J's compiler would never return; Gatehouse refuses these
        }
        try {
            pattern = Pattern.compile(regex);
            RegexScan.afterOne(regex);
        } catch (PatternSyntaxException | IllegalArgumentException e) {
            return;
        }
        Prefilter prefilter = Prefilter.of(regex);
        assertThat(RegexScanTest.prefiltered(regex, pattern, prefilter, text)).as(regex).isEqualTo(RegexScanTest.plain(pattern, text));
    }

    /**
     * The same for the search near keywords: whenever {@link Prefilter#keywordLead} proves that every match holds
     * the keyword, {@link RegexScan#forEachNear} over the keyword's places finds exactly RE2/J's matches.
     */
    @FuzzTest(maxDuration = "30s")
    void nearKeywordsSameMatchesAsRe2j(FuzzedDataProvider data) {
        String regex = data.consumeString(200);
        String keyword = data.consumeString(8).toLowerCase(java.util.Locale.ROOT);
        String text = data.consumeRemainingAsString();
        if (keyword.isEmpty()) {
            return;
        }
        Pattern pattern;
        if (gatehouse.core.regex.FoldHazard.find(regex) != null) {
            return;                                   // RE2/J's compiler would never return; Gatehouse refuses these
        }
        try {
            pattern = Pattern.compile(regex);
            RegexScan.afterOne(regex);
        } catch (PatternSyntaxException | IllegalArgumentException e) {
            return;
        }
        Prefilter prefilter = Prefilter.of(regex);
        if (prefilter == null || prefilter.maxChars() < 0) {
            return;
        }
        int lead = prefilter.keywordLead(java.util.List.of(keyword));
        if (lead < 0) {
            return;
        }
        char[] chars = text.toCharArray();
        var occ = new gatehouse.secrets.detect.AhoCorasick(java.util.List.of(keyword)).occurrences(chars, chars.length,
                Integer.MAX_VALUE);
        int[] places = occ.starts()[0] == null ? new int[0] : java.util.Arrays.copyOf(occ.starts()[0], occ.counts()[0]);
        java.util.List<String> got = new java.util.ArrayList<>();
        RegexScan.forEachNear(pattern, RegexScan.afterOne(regex), prefilter, text, chars, places, lead,
                prefilter.endsKeywordLead(java.util.List.of(keyword)), m -> {
            StringBuilder b = new StringBuilder();
            for (int g = 0; g <= m.groupCount(); g++) {
                b.append(m.start(g)).append('-').append(m.end(g)).append(' ');
            }
            got.add(b.toString());
        });
        assertThat(got).as(regex + " near " + keyword).isEqualTo(RegexScanTest.plain(pattern, text));
    }

    /**
     * The backtracker, for any regex RE2/J accepts and that it compiles, gives RE2/J's match (span and groups)
     * starting at each place of any text, or declines to tell only where the text is not ASCII.
     */
    @FuzzTest(maxDuration = "30s")
    void backtrackerSameAsRe2j(FuzzedDataProvider data) {
        String regex = data.consumeString(120);
        String text = data.consumeRemainingAsString();
        if (text.length() > 200 || gatehouse.core.regex.FoldHazard.find(regex) != null) {
            return;                                   // every place is compared: keep the texts short
        }
        try {
            Pattern.compile(regex);
            RegexScan.afterOne(regex);
        } catch (PatternSyntaxException | IllegalArgumentException e) {
            return;
        }
        if (Backtracker.of(regex) != null) {
            BacktrackerTest.sameAtEveryPlace(regex, text);
        }
    }
}
