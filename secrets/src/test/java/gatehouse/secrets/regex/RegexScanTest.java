package gatehouse.secrets.regex;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import gatehouse.secrets.detect.AhoCorasick;
import gatehouse.secrets.rules.GitleaksConfig;
import gatehouse.secrets.rules.SecretRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The prefiltered scan must give exactly RE2/J's matches — same spans, same groups, same order — for every
 * rule, on the gitleaks corpus and on generated texts built from each rule's own vocabulary (keywords, runs of
 * token characters of the lengths the rules count, quotes, separators, newlines, non-ASCII text).
 */
class RegexScanTest {
    static final List<SecretRule> RULES = GitleaksConfig.defaults().rules().stream().filter(r -> r.regex() != null).toList();
    static final Path CASES = Path.of(System.getProperty("gatehouse.shared", "../../shared"),
            "conformance", "secrets", "gitleaks-cases.jsonl");

    static List<String> plain(Pattern p, String text) {
        List<String> out = new ArrayList<>();
        Matcher m = p.matcher(text);
        while (m.find()) {
            out.add(describe(m));
        }
        return out;
    }

    static List<String> prefiltered(String regex, Pattern p, Prefilter f, String text) {
        List<String> out = new ArrayList<>();
        RegexScan.forEach(p, RegexScan.afterOne(regex), f, text, text.toCharArray(), m -> {
            StringBuilder b = new StringBuilder();
            for (int g = 0; g <= m.groupCount(); g++) {
                b.append(m.start(g)).append('-').append(m.end(g)).append(' ');
            }
            out.add(b.toString());
        });
        return out;
    }

    /** {@link RegexScan#forEachNear} with the keyword places the detector would give it, or null when it would not. */
    static List<String> near(SecretRule rule, String text) {
        Prefilter f = rule.regex().prefilter();
        if (f == null || f.maxChars() < 0 || rule.keywords().isEmpty()) {
            return null;
        }
        int lead = f.keywordLead(rule.keywords());
        if (lead < 0) {
            return null;
        }
        char[] chars = text.toCharArray();
        AhoCorasick.Occurrences occ = new AhoCorasick(rule.keywords()).occurrences(chars, chars.length, Integer.MAX_VALUE);
        int[] places = java.util.stream.IntStream.range(0, rule.keywords().size())
                .flatMap(k -> occ.starts()[k] == null ? java.util.stream.IntStream.empty()
                        : java.util.Arrays.stream(occ.starts()[k], 0, occ.counts()[k]))
                .sorted().toArray();
        List<String> out = new ArrayList<>();
        RegexScan.forEachNear(rule.regex().get(), rule.regex().afterOne(), f, text, chars, places, lead,
                f.endsKeywordLead(rule.keywords()), m -> {
            StringBuilder b = new StringBuilder();
            for (int g = 0; g <= m.groupCount(); g++) {
                b.append(m.start(g)).append('-').append(m.end(g)).append(' ');
            }
            out.add(b.toString());
        });
        return out;
    }

    static String describe(Matcher m) {
        StringBuilder b = new StringBuilder();
        for (int g = 0; g <= m.groupCount(); g++) {
            b.append(m.start(g)).append('-').append(m.end(g)).append(' ');
        }
        return b.toString();
    }

    @Test
    void nearlyEveryDefaultRuleHasAPrefilter() {
        List<String> without = RULES.stream().filter(r -> r.regex().prefilter() == null).map(SecretRule::id).toList();
        assertThat(without).as("rules without a prefilter").hasSizeLessThanOrEqualTo(RULES.size() / 50);
    }

    @Test
    void boundsAndEarliestEnds() {
        Prefilter p = Prefilter.of("(?i)key[ \\t]{0,3}=[ \\t]{0,3}([a-z0-9]{8,12})\\b");
        assertThat(p.maxChars()).isEqualTo(2 * (3 + 3 + 1 + 3 + 12));
        assertThat(p.firstEnd("xx KEY = abcdefgh1 yy", 0)).isEqualTo(17);
        assertThat(p.firstEnd("xx KEY = abcdefgh1 yy", 4)).isEqualTo(-1);
        assertThat(p.firstEnd("nothing to see here", 0)).isEqualTo(-1);
        assertThat(Prefilter.of("a+b").maxChars()).isEqualTo(-1);
        assertThat(Prefilter.of("(?s)BEGIN.{0,5}END").firstEnd("BEGIN\n\nEND", 0)).isEqualTo(10);
        assertThat(Prefilter.of("BEGIN.{0,5}END").firstEnd("BEGIN\n\nEND", 0)).isEqualTo(-1);
        // a non-ASCII code point (even outside the BMP) is one character to the regex
        assertThat(Prefilter.of("a.b").firstEnd("a\uD83D\uDE00b", 0)).isEqualTo(4);
        assertThat(Prefilter.of("(?i)k").firstEnd("\u212A", 0)).isEqualTo(1);
    }

    @Test
    void refusesWhatItCannotHelpWith() {
        assertThat(Prefilter.of("a*")).as("matches the empty string").isNull();
        assertThat(Prefilter.of("(?:x?)|\\b")).isNull();
        assertThat(Prefilter.of("(a{1000}){1000}")).as("too large").isNull();
        assertThat(Prefilter.of("(?Z)x")).as("unknown flag").isNull();
        assertThat(Prefilter.of("\\q")).isNull();
    }

    @Test
    void aLoopWhoseBodyGrowsTheAutomatonIsWiredCorrectly() {
        // compiling the body of + grows the state arrays; the loop's back edge must land in the grown ones
        String regex = "(?:x[a-z]{0,400}y)+z";
        String text = "..x" + "q".repeat(300) + "yxabyz..";
        Pattern re = Pattern.compile(regex);
        assertThat(Prefilter.of(regex)).isNotNull();
        assertThat(prefiltered(regex, re, Prefilter.of(regex), text)).isEqualTo(plain(re, text)).hasSize(1);
    }

    @Test
    void cachedStatesStayBoundedOnHostileText() {
        // every position starts a new count: the DFA would need ~1000 states; the cache flushes and goes on
        Prefilter p = Prefilter.of("[a-z]{1,1000}[0-9]{2}!");
        String text = "a".repeat(200_000) + "12!";
        assertThat(p.firstEnd(text, 0)).isIn(text.length(), Prefilter.UNKNOWN);
        Pattern re = Pattern.compile("[a-z]{1,1000}[0-9]{2}!");
        assertThat(prefiltered("[a-z]{1,1000}[0-9]{2}!", re, p, text)).isEqualTo(plain(re, text));
    }

    @Test
    void sameMatchesOnTheGitleaksCorpus() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(CASES), "no ../shared corpus");
        ObjectMapper om = new ObjectMapper();
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(CASES)) {
            if (!line.isBlank()) {
                texts.add(om.readTree(line).get("text").asText());
            }
        }
        int compared = 0;
        int nearCompared = 0;
        for (SecretRule rule : RULES) {
            StringBuilder chunk = new StringBuilder();
            for (String t : texts) {
                String lower = t.toLowerCase(java.util.Locale.ROOT);
                if (rule.keywords().isEmpty() || rule.keywords().stream().anyMatch(lower::contains)) {
                    chunk.append(t).append('\n');
                }
            }
            String text = chunk.toString();
            Pattern re = rule.regex().get();
            List<String> expected = plain(re, text);
            assertThat(prefiltered(rule.regex().source(), re, rule.regex().prefilter(), text)).as(rule.id()).isEqualTo(expected);
            List<String> near = near(rule, text);
            if (near != null) {
                assertThat(near).as("near keywords: " + rule.id()).isEqualTo(expected);
                nearCompared += expected.size();
            }
            compared += expected.size();
        }
        assertThat(compared).as("matches compared").isGreaterThan(5000);
        assertThat(nearCompared).as("matches compared searching near keywords").isGreaterThan(4000);
    }

    @Property(tries = 600)
    void sameMatchesOnGeneratedText(@ForAll("cases") Object[] c) {
        SecretRule rule = (SecretRule) c[0];
        String text = (String) c[1];
        Pattern re = rule.regex().get();
        List<String> expected = plain(re, text);
        assertThat(prefiltered(rule.regex().source(), re, rule.regex().prefilter(), text)).as(rule.id()).isEqualTo(expected);
        List<String> near = near(rule, text);
        if (near != null) {
            assertThat(near).as("near keywords: " + rule.id()).isEqualTo(expected);
        }
    }

    @Test
    void mostDefaultRulesAreSearchedOnlyNearTheirKeywords() {
        List<String> near = RULES.stream().filter(r -> near(r, "") != null).map(SecretRule::id).toList();
        assertThat(near).as("rules searched near their keywords").hasSizeGreaterThan(RULES.size() * 3 / 5)
                .contains("generic-api-key", "generic-password", "jwt", "aws-secret-access-key", "github-pat");
    }

    /**
     * A default rule's keywords must be in every match (else a match without one is never looked for), provably —
     * except for rules whose keywords are context around the match rather than part of it.
     */
    @Test
    void everyDefaultRuleMatchHoldsOneOfItsKeywords() {
        java.util.Set<String> context = java.util.Set.of(
                "discord-bot-token",  // a bare token, reported only near the word discord or bot
                "slack-user-token");  // xoxp- / xoxe-: the dash is inside a counted group the analysis does not enter
        List<String> unproved = RULES.stream()
                .filter(r -> !r.keywords().isEmpty() && r.regex().prefilter() != null)
                .filter(r -> r.regex().prefilter().keywordLead(r.keywords()) < 0)
                .map(SecretRule::id)
                .filter(id -> !context.contains(id))
                .toList();
        assertThat(unproved).as("rules whose matches may hold none of their keywords").isEmpty();
    }

    @Test
    void theTailOfAGenericRuleHoldsItsKeywordNearItsStart() {
        // the text before the keyword ([A-Za-z0-9]{1,30}[_.-]){0,3} is not part of the tail the automaton reads
        SecretRule generic = RULES.stream().filter(r -> r.id().equals("generic-api-key")).findFirst().orElseThrow();
        Prefilter f = generic.regex().prefilter();
        assertThat(f.keywordLead(generic.keywords())).isGreaterThan(90);
        assertThat(f.endsKeywordLead(generic.keywords())).isBetween(0, 12);
        Prefilter own = Prefilter.of("[a-z_]{0,40}key[ \t]*=[ \t]*([a-z0-9]{8})");
        assertThat(own.keywordLead(List.of("key"))).isEqualTo(40);
        assertThat(own.endsKeywordLead(List.of("key"))).isZero();
    }

    @Provide
    Arbitrary<Object[]> cases() {
        return Arbitraries.of(RULES).flatMap(rule -> text(rule).map(t -> new Object[] {rule, t}));
    }

    static Arbitrary<String> text(SecretRule rule) {
        List<String> words = new ArrayList<>(rule.keywords());
        words.addAll(List.of("key", "token", "secret", "password", "api_key", "AKIA", "ghp_", "xoxb-", "-----BEGIN",
                "PRIVATE KEY-----", "https://", "@", "="));
        Arbitrary<String> word = Arbitraries.of(words).flatMap(w -> Arbitraries.of(w, w.toUpperCase(java.util.Locale.ROOT)));
        Arbitrary<String> run = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .withCharRange('0', '9').withChars("_-/+=.").ofMinLength(1).ofMaxLength(130);
        Arbitrary<String> hex = Arbitraries.strings().withChars("0123456789abcdef").ofMinLength(8).ofMaxLength(70);
        Arbitrary<String> sep = Arbitraries.of(" ", " = ", ": ", "=\"", "\"", "'", "\n", "\t", ", ", "\r\n", "é", "\uD83D\uDE00", "\u212A", "\u017F");
        Arbitrary<String> piece = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, word), net.jqwik.api.Tuple.of(3, run), net.jqwik.api.Tuple.of(1, hex),
                net.jqwik.api.Tuple.of(4, sep));
        return piece.list().ofMinSize(1).ofMaxSize(40).map(l -> String.join("", l));
    }

}
