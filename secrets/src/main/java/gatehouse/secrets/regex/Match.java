package gatehouse.secrets.regex;

import com.google.re2j.Matcher;

/**
 * One match of a regex in a text: the span of the whole match (group 0) and of each capture group, in offsets of
 * the text; -1 for a group that did not take part. The groups of an anchored match are asked of RE2/J only when
 * first wanted: finding them is a second pass over the match, and most matches of the generic rules are dropped
 * on their whole text alone.
 */
public final class Match {
    private final String text;
    private final int[] spans;
    /** The matcher the groups come from, until they are loaded; null once they are. */
    private Matcher pending;
    private final int offset;
    private final int skip;

    /** A match of a matcher that goes on to find others: its groups are taken at once. */
    static Match now(String text, Matcher m) {
        Match match = new Match(text, m, 0, 0);
        match.load();
        return match;
    }

    /**
     * A match whose groups stay in {@code m} until asked for: {@code m} must not be used for anything else.
     * {@code offset} is where m's input begins in the text; its first {@code skip} characters precede the match.
     */
    Match(String text, Matcher m, int offset, int skip) {
        this.text = text;
        this.spans = new int[2 * (m.groupCount() + 1)];
        spans[0] = m.start() + offset + skip;
        spans[1] = m.end() + offset;
        this.pending = m;
        this.offset = offset;
        this.skip = skip;
    }

    /** A match whose spans are known: start and end of the match, then of each group (-1 when it took no part). */
    Match(String text, int[] spans) {
        this.text = text;
        this.spans = spans;
        this.offset = 0;
        this.skip = 0;
    }

    private void load() {
        Matcher m = pending;
        if (m == null) {
            return;
        }
        for (int i = 1; i < spans.length / 2; i++) {
            int st = m.start(i);
            spans[2 * i] = st < 0 ? -1 : st + offset;
            spans[2 * i + 1] = st < 0 ? -1 : m.end(i) + offset;
        }
        pending = null;
    }

    public int groupCount() {
        return spans.length / 2 - 1;
    }

    public int start() {
        return spans[0];
    }

    public int end() {
        return spans[1];
    }

    public int start(int group) {
        if (group > 0) {
            load();
        }
        return spans[2 * group];
    }

    public int end(int group) {
        if (group > 0) {
            load();
        }
        return spans[2 * group + 1];
    }

    /** The text of a group, or null when it did not take part. */
    public String group(int group) {
        int s = start(group);
        return s < 0 ? null : text.substring(s, spans[2 * group + 1]);
    }

    public String group() {
        return group(0);
    }
}
