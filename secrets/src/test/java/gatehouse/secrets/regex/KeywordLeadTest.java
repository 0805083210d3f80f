package gatehouse.secrets.regex;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.secrets.detect.AhoCorasick;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * How far into a match a keyword must begin ({@link Prefilter#keywordLead}): each row is a regex, its rule's
 * keywords (separated by {@code |}) and the lead the analysis must prove, or -1 where a match need not hold one.
 */
class KeywordLeadTest {
    @ParameterizedTest(name = "{0} with {1} -> {2}")
    @CsvSource(delimiter = ';', quoteCharacter = '`', textBlock = """
            ghp_[0-9a-zA-Z]{36}                                  ; ghp_                 ; 0
            \\b(AKIA[0-9A-Z]{16})\\b                              ; akia                 ; 0
            (?:^|[^0-9A-Za-z])(ey[A-Za-z0-9_-]{15,40})          ; ey                   ; 2
            (?i)api[_.-]?key\\s*=\\s*([a-z0-9]{32})              ; apikey|api_key|api-key|api.key ; 0
            (?i)api[_.-]?key\\s*=\\s*([a-z0-9]{32})              ; apikey|api_key|api-key ; -1
            (?i)(?:my|our)?_?secret=([a-z]{8})                  ; secret               ; 4
            (?i)[a-z]{0,5}token                                 ; token                ; 10
            (?i)[a-z]{0,5}tok(?:en)?                            ; token                ; -1
            x(?:ab|cd)*token                                    ; token                ; -1
            (?:ab|cd){1,3}token                                 ; token                ; 6
            passw(?:or)?d=([a-z]{8})                            ; password|passwd      ; 0
            key|secret                                          ; key                  ; -1
            (?:key|secret)x                                     ; key|secret           ; 0
            (?:x*key|y{2}secret)                                ; key|secret           ; -1
            (?:x{0,4}key|y{2}secret)                            ; key|secret           ; 4
            [a-z]+                                              ; a                    ; -1
            (?i)s3cr3t=[0-9]{4}                                 ; s3cr3t               ; 0
            [sS\u00e9]ecret                                      ; secret               ; -1
            (?i)\\x{e9}|secret                                   ; secret               ; -1
            (?-i:[a-z0-9]A)dafruit                              ; adafruit             ; 1
            (?:x(?:ab))(?:c(?:de))y                             ; abcde                ; 1
            (?i)key=[\"'][a-z]{0,40}(?:password|token)         ; key="|key='          ; 0
            """)
    void leads(String regex, String keywords, int lead) {
        Prefilter p = Prefilter.of(regex.strip());
        assertThat(p).isNotNull();
        assertThat(p.keywordLead(List.of(keywords.strip().split("\\|")))).isEqualTo(lead);
    }

    @Test
    void caseFoldedKAndSCountAsLettersUnlessTheRegexNamesNonAsciiItself() {
        assertThat(Prefilter.of("(?i)secret").keywordLead(List.of("secret"))).isZero();
        assertThat(Prefilter.of("(?i)secret|\u00e9").keywordLead(List.of("secret"))).isEqualTo(-1);
        assertThat(Prefilter.of("(?i)[ks]ey").keywordLead(List.of("key", "sey"))).isZero();
        assertThat(Prefilter.of("(?i)[ks]ey").keywordLead(List.of("key"))).isEqualTo(-1);
    }

    @Test
    void theKeywordSearchFoldsTheKelvinSignAndTheLongS() {
        AhoCorasick ac = new AhoCorasick(List.of("secret", "key"));
        char[] text = "\u017Fecret and \u212AEY and Secret".toCharArray();
        AhoCorasick.Occurrences occ = ac.occurrences(text, text.length, 100);
        assertThat(occ.seen().cardinality()).isEqualTo(2);
        assertThat(java.util.Arrays.copyOf(occ.starts()[0], occ.counts()[0])).containsExactly(0, 19);
        assertThat(java.util.Arrays.copyOf(occ.starts()[1], occ.counts()[1])).containsExactly(11);
    }

    @Test
    void aKeywordFoundTooOftenIsMarkedCrowded() {
        char[] text = "key ".repeat(50).toCharArray();
        AhoCorasick.Occurrences occ = new AhoCorasick(List.of("key")).occurrences(text, text.length, 10);
        assertThat(occ.crowded().get(0)).isTrue();
        assertThat(occ.seen().get(0)).isTrue();
    }
}
