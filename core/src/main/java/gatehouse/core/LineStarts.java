package gatehouse.core;

import java.util.Arrays;

/**
 * Where each line of a text begins, for turning offsets into 1-based line and column numbers in logarithmic time
 * (parsers that report many positions, or a config loader that places every key, would otherwise rescan the text
 * from its start each time). Lines end at {@code '\n'}; a column counts UTF-16 units from 1.
 */
public final class LineStarts {
    private final int[] starts;
    private final int length;

    private LineStarts(int[] starts, int length) {
        this.starts = starts;
        this.length = length;
    }

    public static LineStarts of(CharSequence text) {
        int n = text.length();
        int count = 1;
        for (int i = 0; i < n; i++) {
            if (text.charAt(i) == '\n') {
                count++;
            }
        }
        int[] starts = new int[count];
        for (int i = 0, k = 1; i < n; i++) {
            if (text.charAt(i) == '\n') {
                starts[k++] = i + 1;
            }
        }
        return new LineStarts(starts, n);
    }

    /** How many lines the text has (one more than its newlines). */
    public int count() {
        return starts.length;
    }

    /** The 1-based line holding {@code offset} (clamped to the text). */
    public int line(int offset) {
        int i = Arrays.binarySearch(starts, clamp(offset));
        return i >= 0 ? i + 1 : -i - 1;
    }

    /** The 1-based column of {@code offset} (clamped to the text) in its line. */
    public int column(int offset) {
        int at = clamp(offset);
        return at - starts[line(at) - 1] + 1;
    }

    /** The offset where 1-based {@code line} begins. */
    public int start(int line) {
        return starts[line - 1];
    }

    /** The offset just past 1-based {@code line}'s last character (its newline, or the text's end). */
    public int end(int line) {
        return line < starts.length ? starts[line] - 1 : length;
    }

    private int clamp(int offset) {
        return Math.max(0, Math.min(offset, length));
    }
}
