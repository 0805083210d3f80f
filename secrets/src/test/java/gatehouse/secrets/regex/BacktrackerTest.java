package gatehouse.secrets.regex;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import gatehouse.secrets.rules.SecretRule;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The backtracker must give, at every place of a text, exactly RE2/J's match starting there — the same span and
 * the same groups — or say it cannot tell ({@link Backtracker#UNKNOWN}) only where the text is not ASCII. Checked
 * on regexes chosen for where leftmost-first matching, greediness, capture groups in loops, assertions and case
 * folding are subtle; on every default rule; and on generated regexes and texts.
 */
class BacktrackerTest {

    /** RE2/J's match starting exactly at {@code s}, as {@link #describe}d, or "none". */
    static String re2j(String regex, String text, int s) {
        if (s == 0) {
            Matcher m = Pattern.compile(regex).matcher(text);
            return m.lookingAt() ? describe(m, 0, 0) : "none";
        }
        Matcher m = RegexScan.afterOne(regex).matcher(text.substring(s - 1));
        if (!m.lookingAt()) {
            return "none";
        }
        return describe(m, s - 1, 1);
    }

    private static String describe(Matcher m, int offset, int skip) {
        StringBuilder b = new StringBuilder();
        for (int g = 0; g <= m.groupCount(); g++) {
            int st = m.start(g);
            int at = st < 0 ? -1 : st + offset + (g == 0 ? skip : 0);
            b.append(at).append('-').append(st < 0 ? -1 : m.end(g) + offset).append(' ');
        }
        return b.toString();
    }

    /** The backtracker's answer at {@code s}, as {@link #describe}d; "none"; or null when it cannot tell. */
    static String backtracked(Backtracker b, String text, int s) {
        int[] spans = b.match(text.toCharArray(), text.length(), s);
        if (spans == Backtracker.UNKNOWN) {
            return null;
        }
        if (spans == null) {
            return "none";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < spans.length; i += 2) {
            out.append(spans[i]).append('-').append(spans[i + 1]).append(' ');
        }
        return out.toString();
    }

    /**
     * Compares at every place but the middle of a code point (where no search starts a match); returns how many
     * places the backtracker decided.
     */
    static int sameAtEveryPlace(String regex, String text) {
        Backtracker b = Backtracker.of(regex);
        assertThat(b).as("backtracker for " + regex).isNotNull();
        int decided = 0;
        for (int s = 0; s <= text.length(); s++) {
            if (s > 0 && s < text.length() && Character.isLowSurrogate(text.charAt(s))
                    && Character.isHighSurrogate(text.charAt(s - 1))) {
                continue;
            }
            String got = backtracked(b, text, s);
            if (got == null) {
                assertThat(text.chars().anyMatch(c -> c >= 128)).as("undecided on ASCII text: " + regex).isTrue();
                continue;
            }
            assertThat(got).as(regex + " at " + s + " in \"" + text + "\"").isEqualTo(re2j(regex, text, s));
            decided++;
        }
        return decided;
    }

    @ParameterizedTest
    @CsvSource(delimiterString = " :: ", quoteCharacter = '"', textBlock = """
            # leftmost-first: the first alternative that matches, not the longest
            a|ab :: xabx ab a
            (a|ab)(c|bcd)(d*) :: abcd abcdd
            # greedy and lazy, and the U flag that swaps them
            (a+)(a*) :: aaaa
            (a+?)(a*) :: aaaa
            (?U)(a+)(a*?) :: aaaa
            (?U:a{2,4})b|a{2,4}? :: aaaab aaa
            x{2,5}?y|x{2,5} :: xxxxxxy xxxxxx
            # a group inside a loop keeps its last iteration; one that stops taking part keeps what it had
            (?:(a)|(b))+ :: abab ba
            (a|b)*c :: ababc
            (?:(a)|b)* :: ab
            # counted repetition, nested
            ((?:ab){1,3}?)(ab)? :: abababab
            (?:[a-z]{1,3}[_.-]){0,3}key :: my_api.x-key a.b.c.d.key
            # a count with a leading zero is no count to RE2: the braces are literal text
            a{05}|b{1,02}|c{2,} :: a{05} aaaaa b{1,02} bb ccc
            # a repetition after a flag group repeats the item before the group
            xi(?U){0,6}y|z(?i)+ :: xiiy xy zzz
            # assertions: text and line edges, word boundaries
            ^a|b$ :: ab
            (?m)^a|b$ :: "a
            ab
            b"
            \\Aa|b\\z :: aab
            \\bkey\\b :: key keys akey key_ key-
            \\Bey\\B :: key keys akey
            (?:^|[^0-9A-Za-z])(ghp_[0-9A-Za-z]{4})(?:[^0-9A-Za-z]|$) :: ghp_abcd xghp_abcd ghp_abcde ghp_ab12
            # case folding, with the two non-ASCII letters that fold to ASCII ones
            (?i)key :: KEY Key kEy
            (?i)\\x{212A}ey|(?i)\\x{17F}ecret :: key KEY secret SECRET
            (?i)[^k]ey :: key Key xey
            (?i)[\\x{212A}] :: kK
            (?i)[a-c]+ :: ABCabcD
            # dot, with and without s
            a.c|(?s:b.d) :: "a
            c b
            d abc"
            # classes RE2/J is asked about: Unicode, POSIX, Perl, negated
            \\pL+\\PL :: abc1 ab
            \\p{Greek}|[[:alpha:]]+[[:^alpha:]] :: abc1
            \\d\\D\\w\\W\\s\\S :: "1a_  x"
            [^\\s\\x00-\\x1f]+ :: "ab cd"
            # quoting and escapes
            \\Qa.b\\E|\\x41\\101 :: a.b axb AA
            (?P<name>x)(?<other>y)? :: xy x
            """)
    void sameAsRe2jOnSubtleRegexes(String regex, String text) {
        int decided = sameAtEveryPlace(regex, text);
        assertThat(decided).isEqualTo(text.length() + 1);
    }

    @Test
    void handsNonAsciiTextBackToRe2j() {
        Backtracker b = Backtracker.of("k.y");
        assertThat(backtracked(b, "k\u00e9y", 0)).isNull();
        assertThat(backtracked(b, "\u00e9k.y", 1)).isNotNull(); // only what it reads counts
        assertThat(sameAtEveryPlace("(?i)s\\w+\\b", "s\u017Fx sx\u00e9 \u212Aey")).isGreaterThan(3);
    }

    @Test
    void hasNoBacktrackerWhereRe2sProgramShapeWouldMatter() {
        assertThat(Backtracker.of("(a?)*")).as("a loop over the empty string").isNull();
        assertThat(Backtracker.of("(?:\\b)+")).isNull();
        assertThat(Backtracker.of("(?:x{1000}){30}")).as("too large").isNull();
        assertThat(Backtracker.of("(x){0}y")).as("RE2/J reports the group at 0").isNull();
        assertThat(Backtracker.of("(a?){2,4}")).as("bounded: no loop").isNotNull();
        sameAtEveryPlace("(a?){2,4}b", "aab ab b aaaab");
    }

    @Test
    void saysItCannotTellWhenTheVisitedSetWouldBeTooLarge() {
        // some 1,000 instructions times 20,000 places: more than the 8M bits a search may use
        Backtracker b = Backtracker.of("(?s:a[a-z]{0,500}.*b)");
        String text = "a" + "x".repeat(20_000) + "b";
        assertThat(backtracked(b, text, 0)).isNull();
        assertThat(backtracked(b, "axxb", 0)).isEqualTo("0-4 ");
        assertThat(backtracked(b, "a" + "x".repeat(2_000) + "b", 0)).isEqualTo("0-2002 ");
    }

    @Test
    void saysItCannotTellWhenItsStackWouldBeTooDeep() {
        // every character is a pending choice: 600,000 of them, two stack entries each, past the 2^20 allowed
        Backtracker b = Backtracker.of("(?:a|b)*c");
        String text = "a".repeat(600_000);
        assertThat(backtracked(b, text, 0)).isNull();
        assertThat(backtracked(b, "aabac", 0)).isEqualTo("0-5 ");
    }

    @Test
    void sameAsRe2jForEveryDefaultRuleOnItsOwnVocabulary() {
        int rules = 0;
        for (SecretRule rule : RegexScanTest.RULES) {
            String regex = rule.regex().source();
            if (Backtracker.of(regex) == null) {
                continue;
            }
            rules++;
            String text = String.join(" ", rule.keywords()) + " x_" + rule.id() + "=\"AbCdEf0123456789abcdefABCDEF+/_-\"\n"
                    + "key: ghp_" + "a1B2".repeat(9) + " AKIAABCDEFGHIJKLMNOP password=Hunter2Hunter2!";
            sameAtEveryPlace(regex, text);
        }
        assertThat(rules).as("default rules with a backtracker").isGreaterThan(RegexScanTest.RULES.size() * 9 / 10);
    }

    @Property(tries = 1500)
    void sameAsRe2jOnGeneratedRegexes(@ForAll("regexes") String regex, @ForAll("texts") String text) {
        Assume.that(gatehouse.core.regex.FoldHazard.find(regex) == null);
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            Assume.that(false);
        }
        Backtracker b = Backtracker.of(regex);
        Assume.that(b != null);
        sameAtEveryPlace(regex, text);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withChars("abkKsS_-= \n1xy.").ofMaxLength(24)
                .injectDuplicates(0.05).edgeCases(e -> e.add("\u212Aey \u017F"));
    }

    @Provide
    Arbitrary<String> regexes() {
        return regex(3);
    }

    private Arbitrary<String> regex(int depth) {
        Arbitrary<String> atom = Arbitraries.of("a", "b", "k", "K", "s", "x", "_", "-", " ", "\\n", ".", "[a-c]", "[^a]",
                "[kx]", "\\d", "\\w", "\\W", "\\s", "\\pL", "[[:alpha:]]", "\\x{212A}", "\u017F", "^", "$", "\\b", "\\B",
                "\\A", "\\z", "(?:)");
        if (depth == 0) {
            return atom;
        }
        Arbitrary<String> inner = regex(depth - 1);
        Arbitrary<String> group = Combinators.combine(Arbitraries.of("(", "(?:", "(?i:", "(?m:", "(?s:", "(?U:", "(?P<n>",
                "(?i)(", "(?-i:"), inner).as((open, r) -> open + r + ")");
        Arbitrary<String> quantifier = Arbitraries.of("", "", "", "*", "+", "?", "*?", "+?", "??", "{2}", "{1,3}",
                "{0,2}?", "{2,}", "{0,1}");
        Arbitrary<String> piece = Combinators.combine(Arbitraries.frequencyOf(Tuple.of(3, atom), Tuple.of(1, group)),
                quantifier).as((a, q) -> a + q);
        Arbitrary<String> seq = piece.list().ofMinSize(1).ofMaxSize(4).map(l -> String.join("", l));
        return seq.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("|", l));
    }

    @Test
    void groupsAreCountedAsRe2CountsThem() {
        assertThat(Backtracker.of("(a)(?:b)(?P<c>c)((d)|e)").groups()).isEqualTo(4);
        assertThat(Arrays.toString(Backtracker.of("(a)|(b)").match("b".toCharArray(), 1, 0)))
                .isEqualTo("[0, 1, -1, -1, 0, 1]");
    }
}
