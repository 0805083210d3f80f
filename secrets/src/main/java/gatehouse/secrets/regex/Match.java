package gatehouse.secrets.regex;

/**
 * One match of a regex in a text: the span of the whole match (group 0) and of each capture group, in offsets of
 * the text; -1 for a group that did not take part.
 */
public final class Match {
    private final String text;
    private final int[] spans;

    Match(String text, int[] spans) {
        this.text = text;
        this.spans = spans;
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
        return spans[2 * group];
    }

    public int end(int group) {
        return spans[2 * group + 1];
    }

    /** The text of a group, or null when it did not take part. */
    public String group(int group) {
        int s = spans[2 * group];
        return s < 0 ? null : text.substring(s, spans[2 * group + 1]);
    }

    public String group() {
        return group(0);
    }
}
