package gatehouse.core.regex;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FoldHazardTest {
    /** Regexes whose case folding RE2/J never finishes compiling: refused, at the index given. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "(?i)\\x{1C80}|4",
            "(?i)ab\u1C84|6",
            "(?i)[\\x{1C80}]|5",
            "(?i)[^\\x{1C88}]|6",
            "(?i)[\\x{42}-\\x{10FFFF}]|5",
            "(?i)[a-\\x{2000}]|5",
            "(?i)[\\x{100}-\\x{1C80}]|5",
            "(?i)[\\x{1C88}-\\x{FFFF}]|5",
            "(?i:x[\\x{1000}-\\x{1CFF}])|6",
            "(?i)\\Q..\u1C85\\E|8",
            "x(?i)y\u1C86|6",
            "(?-i)(?i)\u1C87|9",
            "(a(?i))|-1",
            "(?i)(a)\u1C80|7",
            "(?P<n>(?i)\u1C80)|10"})
    void refusesWhatWouldHang(String regex, int index) {
        FoldHazard.Problem p = FoldHazard.find(regex);
        if (index < 0) {
            assertThat(p).isNull();
            return;
        }
        assertThat(p).isNotNull();
        assertThat(p.index()).isEqualTo(index);
        assertThat(p.message()).contains("U+1C80-U+1C88").contains("never ends");
        assertThat(p.hint()).isNotBlank();
    }

    /** Regexes RE2/J compiles (checked here with a time limit): accepted. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\\x{1C80}",
            "[\\x{42}-\\x{10FFFF}]",
            "(?i)[\\x{40}-\\x{10FFFF}]",
            "(?i)[\\x{41}-\\x{1E943}]",
            "(?i)[\\x{0}-\\x{1C7F}]",
            "(?i)[\\x{1C89}-\\x{FFFF}]",
            "(?i)[\\x{1E944}-\\x{10FFFF}]",
            "(?i)\\p{Cyrillic}+",
            "(?i)\\P{L}",
            "(?i)[\\pL\\d]",
            "(?i)[[:^alpha:]]",
            "(?i:a)[\\x{1C80}]",
            "(?i)(?-i:\\x{1C80})",
            "(?i)(?-i)[\\x{1000}-\\x{2000}]",
            "(?i)(?:x)|(?-i)\u1C80",
            "(?i)\\\\x{1C80}",
            "(?i)[\\]\\x{1C7F}]",
            "(?i)\\Q\\x{1C80}\\E",
            "(?i)aws_?(?:secret)?_?(?:access)?_?key[\"'\\s:=]+[A-Za-z0-9/+]{40}"})
    void acceptsWhatCompiles(String regex) throws Exception {
        assertThat(FoldHazard.find(regex)).isNull();
        assertThat(compilesWithin(regex, 20)).isTrue();
    }

    /**
     * The hazard set is exactly the runes whose fold orbit does not close under RE2/J's own fold function on this
     * JDK: a new JDK's case tables or a new RE2/J that changes it fails here, not in a user's hook.
     */
    @Test
    void hazardSetIsWhereRe2jsFoldOrbitDoesNotClose() throws Exception {
        Method fold = Class.forName("com.google.re2j.Unicode").getDeclaredMethod("simpleFold", int.class);
        fold.setAccessible(true);
        List<Integer> open = new ArrayList<>();
        for (int c = FoldHazard.MIN_FOLD; c <= FoldHazard.MAX_FOLD; c++) {
            int f = (int) fold.invoke(null, c);
            int steps = 0;
            while (f != c && steps < 64) {
                f = (int) fold.invoke(null, f);
                steps++;
            }
            if (f != c) {
                open.add(c);
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int c = FoldHazard.FIRST; c <= FoldHazard.LAST; c++) {
            expected.add(c);
        }
        assertThat(open).isEqualTo(expected);
    }

    /** Random regexes made of the constructs that matter: whatever the scan accepts, RE2/J finishes compiling. */
    @Property(tries = 400)
    void whatIsAcceptedCompiles(@ForAll("pieces") List<String> pieces) throws Exception {
        String regex = String.join("", pieces);
        if (FoldHazard.find(regex) == null) {
            assertThat(compilesWithin(regex, 20)).as(regex).isTrue();
        }
    }

    @Provide
    Arbitrary<List<String>> pieces() {
        return Arbitraries.of("(?i)", "(?-i)", "(?i:", "(?s-i:", "(", "(?P<g>", ")", "[", "[^", "]", "-", "a", "\u1C80",
                "\\x{1C83}", "\\x{41}", "\\x{42}", "\\x{1C7F}", "\\x{1C89}", "\\x{1E943}", "\\x{10FFFF}", "\\Q", "\\E",
                "\\p{L}", "\\d", "[:alpha:]", "\\\\", "\\]", "\u0412", "x", "|", "*").list().ofMinSize(1).ofMaxSize(10);
    }

    /** True when RE2/J returns (a compiled pattern or a syntax error) within the limit; false when it is still folding. */
    private static boolean compilesWithin(String regex, int seconds) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                Pattern.compile(regex);
            } catch (RuntimeException e) {
                // not valid RE2: RE2/J said so, which is what the scan leaves to it
            }
            done.complete(null);
        }, "re2j-compile");
        t.setDaemon(true);
        t.start();
        try {
            done.get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        }
    }
}
