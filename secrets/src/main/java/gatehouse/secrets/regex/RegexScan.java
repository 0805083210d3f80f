package gatehouse.secrets.regex;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.function.Consumer;

/**
 * Every match of a regex in a text, exactly as RE2/J's {@code while (m.find())} loop gives them, with a match tried
 * only where the {@link Prefilter} says one can be, and there anchored.
 *
 * <p>Why it is exact. The prefilter's languages contain the regex's. No match starting at or after {@code p}
 * ends before {@code e}, the earliest end the unanchored automaton reports; a match spans at most {@code max}
 * characters, so none starts before {@code e - max}. RE2/J picks the leftmost start, then its own priority
 * among the matches starting there; so the places from {@code e - max} to {@code e} are tried in order —
 * skipping those where the anchored automaton says no match can start — with an anchored match at each (the
 * {@link Backtracker}'s, which is RE2's, or RE2/J's where it cannot tell), and the first that matches is RE2/J's
 * match. When none does, no match starts before {@code e + 1}, and the search goes on from there. The
 * backtracker reads the whole text from the place, with the characters before it in view. RE2/J's anchored
 * match runs on a view of the text that begins one character early, with the regex behind a {@code (?s:.)}
 * that consumes that character: the NFA then sees the real character before the match ({@code \b}, {@code ^}
 * and {@code (?m)} decide as they would in the whole text) while it may not start anywhere else; the view ends
 * at {@code e + max + 1}, past the end of any match starting at or before {@code e} and the character after it.
 * Anchoring matters: an unanchored NFA keeps starting threads at every position until a match is found, which
 * costs the square of a long match's length. Unbounded regexes search the rest of the text with RE2/J from the
 * first candidate.
 */
public final class RegexScan {
    private RegexScan() {}

    /** The pattern {@link #forEach} needs beside the regex itself: the regex behind one consumed character. */
    public static Pattern afterOne(String regex) {
        return Pattern.compile("(?s:.)(?:" + regex + ")");
    }

    /**
     * @param pattern   the regex
     * @param afterOne  {@link #afterOne} of it
     * @param prefilter its prefilter, or null (then plain RE2/J)
     * @param chars     the text's characters, when the caller scans one text with many regexes
     */
    public static void forEach(Pattern pattern, Pattern afterOne, Prefilter prefilter, String text, char[] chars,
                               Consumer<Match> sink) {
        if (prefilter == null) {
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                sink.accept(Match.now(text, m));
            }
            return;
        }
        scan(pattern, afterOne, prefilter, text, chars, new Ends() {
            @Override
            public int next(int p) {
                return prefilter.firstEnd(chars, text.length(), p);
            }

            @Override
            public int firstStart() {
                return 0;
            }

            @Override
            public int lastStart(int e) {
                return e;
            }
        }, sink);
    }

    /**
     * {@link #forEach} for a regex every match of which holds one of its keywords, beginning at most {@code lead}
     * characters into the match ({@link Prefilter#keywordLead}): {@code keywordAt} holds, in increasing order,
     * every place where one of them begins. A match can then start only in some range {@code [q - lead, q]},
     * and the prefilter is asked only there — with its unanchored automaton told to start no match past
     * {@code q}, so that it stops as soon as the matches it began have failed. Exact as {@link #forEach} is:
     * for a place {@code p}, the first range that ends at or after {@code p} holds every start of a match at
     * or after {@code p} that can end within that range's reach ({@code q + max}), so the earliest possible end
     * found there is at most the earliest end of any match starting at or after {@code p}; a range with none
     * holds no match start, and the search moves to the next.
     *
     * <p>Within a range the automaton reads less than the range: it reads the regex's tail, and every match of
     * the tail holds a keyword at most {@code endsLead} characters into it ({@link Prefilter#endsKeywordLead};
     * usually far less than {@code lead}, which also covers the text before a keyword, such as {@code [\w.-]{0,50}}
     * before {@code key}). So the matches of the tail that start in the range start within {@code endsLead} before
     * one of its keyword places; those stretches are searched in order, and the earliest end kept, until a stretch
     * begins at or after it. Should the ranges make the automaton read more than a few times the text (keywords
     * close together with long possible matches), the rest is searched as {@link #forEach} searches it.
     */
    public static void forEachNear(Pattern pattern, Pattern afterOne, Prefilter prefilter, String text, char[] chars,
                                   int[] keywordAt, int lead, int endsLead, Consumer<Match> sink) {
        int n = text.length();
        int max = prefilter.maxChars();
        if (max < 0 || lead < 0) {
            forEach(pattern, afterOne, prefilter, text, chars, sink);
            return;
        }
        int reach = endsLead < 0 ? lead : Math.min(lead, endsLead);
        Prefilter.Ends ends = prefilter.ends();
        long budget = ends.work() + 4L * n + 4096;
        int count = keywordAt.length;
        scan(pattern, afterOne, prefilter, text, chars, new Ends() {
            private int cursor;
            private boolean whole;
            private int first;
            private int last;

            @Override
            public int next(int p) {
                if (whole) {
                    return ends.firstEnd(chars, n, p, Integer.MAX_VALUE);
                }
                int qi = cursor;
                while (true) {
                    while (qi < count && keywordAt[qi] < p) {
                        qi++;
                    }
                    cursor = qi;
                    if (qi == count) {
                        return -1;
                    }
                    first = Math.max(p, keywordAt[qi] - lead);
                    last = keywordAt[qi];
                    int qj = qi;
                    while (qj + 1 < count && keywordAt[qj + 1] - lead <= last + 1) {
                        last = keywordAt[++qj];
                    }
                    int e = earliestEnd(qi, qj);
                    if (e == Prefilter.UNKNOWN) {
                        return e;
                    }
                    if (ends.work() > budget) {
                        whole = true;
                        return e == -1 ? ends.firstEnd(chars, n, p, Integer.MAX_VALUE) : e;
                    }
                    if (e != -1) {
                        return e;
                    }
                    qi = qj + 1;
                }
            }

            /** The earliest end of a match of the tail starting from {@link #first} to {@link #last}, or -1. */
            private int earliestEnd(int qi, int qj) {
                int best = -1;
                int a = qi;
                while (a <= qj) {
                    int from = Math.max(first, keywordAt[a] - reach);
                    if (best >= 0 && from >= best) {
                        break; // matches starting here end after the best end already found
                    }
                    int to = keywordAt[a];
                    while (a + 1 <= qj && keywordAt[a + 1] - reach <= to + 1) {
                        to = keywordAt[++a];
                    }
                    long limit = Math.min(best >= 0 ? best : n, (long) to + max);
                    int e = ends.firstEnd(chars, (int) limit, from, to);
                    if (e == Prefilter.UNKNOWN) {
                        return e;
                    }
                    if (e >= 0 && (best < 0 || e < best)) {
                        best = e;
                    }
                    a++;
                }
                return best;
            }

            @Override
            public int firstStart() {
                return whole ? 0 : first;
            }

            @Override
            public int lastStart(int e) {
                return whole ? e : last;
            }
        }, sink);
    }

    /**
     * Where possible matches end, for {@link #scan}: {@link #next} gives, for a place {@code p}, an end at most
     * the earliest end of a match starting at or after {@code p} and no later than {@link #lastStart} (no match
     * starts between {@code p} and the earliest place the end's search began), -1 when no match starts at or
     * after {@code p}, or {@link Prefilter#UNKNOWN}.
     */
    private interface Ends {
        int next(int p);

        /** The first place where a match ending at or after the end just given was looked for. */
        int firstStart();

        /** The last place where a match ending at or after {@code e}, the end just given, was looked for. */
        int lastStart(int e);
    }

    /**
     * The search both entry points share: {@code nextEnd} gives, for a place {@code p}, an end at most the
     * earliest end of a possible match starting at or after {@code p} (and after {@code p}), -1 when no match
     * can start there, or {@link Prefilter#UNKNOWN}.
     */
    private static void scan(Pattern pattern, Pattern afterOne, Prefilter prefilter, String text, char[] chars,
                             Ends nextEnd, Consumer<Match> sink) {
        int n = text.length();
        int max = prefilter.maxChars();
        int p = 0;
        Matcher whole = null;
        Prefilter.Starts starts = prefilter.starts();
        while (p < n) {
            int e = nextEnd.next(p);
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
                Match m = Match.now(text, whole);
                sink.accept(m);
                p = Math.max(m.end(), m.start() + 1);
                continue;
            }
            int limit = (int) Math.min(n, (long) e + max + 1);
            Match found = null;
            int hi = Math.min(e, nextEnd.lastStart(e));
            int last = Math.min(hi, n - 1);
            for (int s = Math.max(Math.max(p, e - max), nextEnd.firstStart()); s <= last && found == null; s++) {
                s = starts.firstStart(chars, limit, s, last); // skips places no match can start (and code point middles)
                if (s < 0) {
                    break;
                }
                found = anchoredAt(pattern, afterOne, prefilter, text, chars, s, limit);
            }
            if (found == null) {
                p = hi + 1;
            } else {
                sink.accept(found);
                p = Math.max(found.end(), found.start() + 1);
            }
        }
    }

    /**
     * RE2/J's match starting exactly at {@code s}, in the text cut at {@code limit}, or null: from the prefilter's
     * {@link Backtracker} when it has one and can tell, else from RE2/J itself. The cut changes nothing (no match
     * starting at {@code s} reaches it, and the characters up to it are all an assertion at a match's end can
     * look at), so the backtracker reads the whole text.
     */
    private static Match anchoredAt(Pattern pattern, Pattern afterOne, Prefilter prefilter, String text, char[] chars,
                                    int s, int limit) {
        Backtracker b = prefilter.backtracker();
        if (b != null) {
            int[] spans = b.match(chars, text.length(), s);
            if (spans != Backtracker.UNKNOWN) {
                return spans == null ? null : new Match(text, spans);
            }
        }
        // a fresh matcher per attempt (see matcher): the match may keep it for its groups, which RE2/J finds only
        // when asked
        if (s == 0) {
            Matcher m = matcher(pattern, chars, 0, limit);
            return m.lookingAt() ? new Match(text, m, 0, 0) : null;
        }
        Matcher m = matcher(afterOne, chars, s - 1, limit);
        if (!m.lookingAt()) {
            return null;
        }
        Match r = new Match(text, m, s - 1, 1);
        return r.start() == s ? r : null;
    }

    /**
     * A matcher over characters {@code [from, to)}: as bytes when they are all ASCII (then byte and character offsets
     * are the same), which RE2/J reads from the array itself — its per-character context costs interface calls on a
     * CharSequence (three per character with the empty-width context) — and otherwise as a {@link Window}, a plain
     * view of the characters (one array load where a CharBuffer costs two calls). A fresh array: the match may keep
     * the matcher for its groups.
     */
    private static Matcher matcher(Pattern p, char[] chars, int from, int to) {
        byte[] b = new byte[to - from];
        for (int i = 0; i < b.length; i++) {
            char c = chars[from + i];
            if (c >= 0x80) {
                return p.matcher(new Window(chars, from, to));
            }
            b[i] = (byte) c;
        }
        return p.matcher(b);
    }

    /** Characters {@code [from, to)} of an array, as RE2/J reads its input. */
    private static final class Window implements CharSequence {
        private final char[] chars;
        private final int from;
        private final int length;

        Window(char[] chars, int from, int to) {
            this.chars = chars;
            this.from = from;
            this.length = to - from;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public char charAt(int index) {
            if (index < 0 || index >= length) {
                throw new IndexOutOfBoundsException(index);
            }
            return chars[from + index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            java.util.Objects.checkFromToIndex(start, end, length);
            return new Window(chars, from + start, from + end);
        }

        @Override
        public String toString() {
            return new String(chars, from, length);
        }
    }
}
