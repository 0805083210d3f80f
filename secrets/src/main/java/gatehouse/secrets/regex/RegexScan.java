package gatehouse.secrets.regex;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.nio.CharBuffer;
import java.util.function.Consumer;

/**
 * Every match of a regex in a text, exactly as RE2/J's {@code while (m.find())} loop gives them, but with RE2/J
 * run only where the {@link Prefilter} says a match can end.
 *
 * <p>Why it is exact: the prefilter's language contains the regex's, so no match starting at or after
 * {@code p} ends before {@code e}, the earliest end it reports; a match spans at most {@code max} characters,
 * so none starts before {@code e - max}. RE2/J then searches from there in a view of the text cut at
 * {@code e + max + 1}: a match starting at or before {@code e} ends, with the character after it, inside the
 * view, so the cut changes nothing for it, and when RE2/J finds none starting there, none exists — the search
 * goes on after {@code e}. Before RE2/J starts, the places where the anchored automaton says no match can
 * start are skipped (its language too contains the regex's, so nothing is lost), which keeps the NFA off
 * the long stretch before a match that a leading {@code [\w.-]{0,50}} would make it walk. Unbounded regexes
 * search the whole rest of the text from the first candidate.
 */
public final class RegexScan {
    private RegexScan() {}

    public static void forEach(Pattern pattern, Prefilter prefilter, String text, Consumer<Matcher> sink) {
        forEach(pattern, prefilter, text, prefilter == null ? null : text.toCharArray(), sink);
    }

    /** @param chars the text's characters, when the caller scans one text with many regexes */
    public static void forEach(Pattern pattern, Prefilter prefilter, String text, char[] chars, Consumer<Matcher> sink) {
        if (prefilter == null) {
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                sink.accept(m);
            }
            return;
        }
        int n = text.length();
        int max = prefilter.maxChars();
        int p = 0;
        Matcher whole = null;
        while (p < n) {
            int e = prefilter.firstEnd(chars, n, p);
            if (e == -1) {
                return;
            }
            if (e == Prefilter.UNKNOWN || max < 0) {
                if (whole == null) {
                    whole = pattern.matcher(text);
                }
                if (!whole.find(p)) {
                    return;
                }
                sink.accept(whole);
                p = Math.max(whole.end(), whole.start() + 1);
                continue;
            }
            int from = Math.max(p, e - max);
            while (from < e && !prefilter.mayStartAt(chars, Math.min(n, e + max + 1), from)) {
                from++; // no match can start here, so RE2/J need not try
            }
            int limit = (int) Math.min(n, (long) e + max + 1);
            Matcher m = pattern.matcher(limit == n ? text : CharBuffer.wrap(text, 0, limit));
            if (m.find(from) && m.start() <= e) {
                sink.accept(m);
                p = Math.max(m.end(), m.start() + 1);
            } else {
                p = e + 1;
            }
        }
    }
}
