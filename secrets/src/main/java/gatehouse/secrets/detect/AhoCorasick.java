package gatehouse.secrets.detect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * One pass over a text finds which of many keywords occur in it (the keyword prefilter that decides which
 * rules run on a fragment). A byte-free, char-level automaton over lower-case keywords with a dense
 * transition table for ASCII and a sparse fallback for other characters; {@link #occurrences} gives the keywords
 * seen and where each begins, case-insensitively for ASCII letters (the places let the detector search a rule
 * only just before its keywords).
 */
public final class AhoCorasick {
    private static final int ASCII = 128;
    private final List<int[]>[] wide; // non-ASCII edges: pairs (char, state)
    private final int[] fail;
    private final int[][] outputs;
    private final boolean[] hasOutput;
    /**
     * The full goto function for ASCII after build, [state * classes + class of the character] → the next state's
     * row (state * classes), complemented (negative) when that state ends a keyword: a step is one load, and only
     * a negative entry needs a second look. Characters that occur in no keyword share one class, and an
     * upper-case letter is its lower case's class: the rows stay short, so the states a text keeps visiting stay
     * in the first-level cache — each step waits on the one before, so a table that does not fit costs a
     * second-level cache miss per character.
     */
    private final int[] table;
    private final byte[] classOf = new byte[ASCII];
    private final int classes;
    private final int states;
    private final int keywordCount;
    /** Each keyword's length in characters. */
    private final int[] lengths;
    /** One thread's place lists, kept from text to text: a history scan asks for millions of places in all. */
    private final ThreadLocal<int[][]> places;

    @SuppressWarnings("unchecked")
    public AhoCorasick(List<String> keywords) {
        int kwCount = keywords.size();
        this.keywordCount = kwCount;
        this.places = ThreadLocal.withInitial(() -> new int[kwCount][]);
        this.lengths = keywords.stream().mapToInt(k -> k.toLowerCase(java.util.Locale.ROOT).length()).toArray();
        int cap = 1;
        for (String k : keywords) {
            cap += k.length();
        }
        int[][] nx = new int[cap][];
        List<int[]>[] wd = new List[cap];
        List<List<Integer>> out = new ArrayList<>();
        nx[0] = new int[ASCII];
        Arrays.fill(nx[0], -1);
        out.add(new ArrayList<>());
        int count = 1;
        for (int ki = 0; ki < keywords.size(); ki++) {
            String k = keywords.get(ki).toLowerCase(java.util.Locale.ROOT);
            if (k.isEmpty()) {
                continue;
            }
            int s = 0;
            for (int i = 0; i < k.length(); i++) {
                char c = k.charAt(i);
                int t = edge(nx, wd, s, c);
                if (t < 0) {
                    t = count++;
                    nx[t] = new int[ASCII];
                    Arrays.fill(nx[t], -1);
                    out.add(new ArrayList<>());
                    if (c < ASCII) {
                        nx[s][c] = t;
                    } else {
                        if (wd[s] == null) {
                            wd[s] = new ArrayList<>();
                        }
                        wd[s].add(new int[] {c, t});
                    }
                }
                s = t;
            }
            out.get(s).add(ki);
        }
        int[] fl = new int[count];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int c = 0; c < ASCII; c++) {
            if (nx[0][c] < 0) {
                nx[0][c] = 0;
            } else {
                fl[nx[0][c]] = 0;
                queue.add(nx[0][c]);
            }
        }
        if (wd[0] != null) {
            for (int[] e : wd[0]) {
                fl[e[1]] = 0;
                queue.add(e[1]);
            }
        }
        while (!queue.isEmpty()) {
            int s = queue.poll();
            out.get(s).addAll(out.get(fl[s]));
            for (int c = 0; c < ASCII; c++) {
                int t = nx[s][c];
                if (t < 0) {
                    nx[s][c] = nx[fl[s]][c];
                } else {
                    fl[t] = nx[fl[s]][c];
                    queue.add(t);
                }
            }
            if (wd[s] != null) {
                for (int[] e : wd[s]) {
                    int f = fl[s];
                    int to;
                    while ((to = wideEdge(wd, f, (char) e[0])) < 0 && f != 0) {
                        f = fl[f];
                    }
                    fl[e[1]] = to < 0 || to == e[1] ? 0 : to;
                    queue.add(e[1]);
                }
            }
        }
        this.wide = wd;
        this.fail = fl;
        this.states = count;
        this.outputs = new int[count][];
        this.hasOutput = new boolean[count];
        // class 0: characters no keyword has (from every state they lead back to the root)
        int[] cls = new int[ASCII];
        int k = 1;
        for (String kw : keywords) {
            for (char c : kw.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
                if (c < ASCII && cls[c] == 0) {
                    cls[c] = k++;
                }
            }
        }
        for (int c = 'A'; c <= 'Z'; c++) {
            cls[c] = cls[c + 32];
        }
        for (int c = 0; c < ASCII; c++) {
            classOf[c] = (byte) cls[c];
        }
        this.classes = k;
        if ((long) count * k > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("too many keywords for one automaton: " + keywords.size());
        }
        this.table = new int[count * k];
        for (int i = 0; i < count; i++) {
            outputs[i] = out.get(i).stream().mapToInt(Integer::intValue).distinct().toArray();
            hasOutput[i] = outputs[i].length > 0;
        }
        for (int i = 0; i < count; i++) {
            for (int c = 0; c < ASCII; c++) {
                int lower = c >= 'A' && c <= 'Z' ? c + 32 : c;
                table[i * k + cls[c]] = entry(nx[i][lower], k);
            }
        }
    }

    /** A table entry: the target state's row ({@code state * classes}), complemented when the state has outputs. */
    private int entry(int state, int width) {
        return hasOutput[state] ? ~(state * width) : state * width;
    }

    private static int edge(int[][] nx, List<int[]>[] wd, int s, char c) {
        if (c < ASCII) {
            return nx[s][c];
        }
        return wideEdge(wd, s, c);
    }

    private static int wideEdge(List<int[]>[] wd, int s, char c) {
        if (wd[s] != null) {
            for (int[] e : wd[s]) {
                if (e[0] == c) {
                    return e[1];
                }
            }
        }
        return -1;
    }

    /**
     * Where each keyword occurs in the first {@code n} characters: ASCII letters compared case-insensitively,
     * and the Kelvin sign and the long s read as {@code k} and {@code s}, as RE2's {@code (?i)} reads them, so
     * that a keyword a case-insensitive regex matches is found wherever it is matched. A keyword found more than
     * {@code cap} times is marked {@link Occurrences#crowded} and its places are not kept. The place lists are
     * the thread's own, reused: valid until its next call.
     */
    public Occurrences occurrences(char[] text, int n, int cap) {
        int[][] starts = places.get();
        int[] counts = new int[keywordCount];
        boolean[] found = new boolean[keywordCount];
        BitSet crowded = new BitSet(keywordCount);
        int[] t = table;
        byte[] cls = classOf;
        int width = classes;
        int row = 0; // the current state's row in the table
        for (int i = 0; i < n; i++) {
            char c = text[i];
            if (c >= ASCII) { // the Kelvin sign and the long s read as k and s (rare: tested only off the ASCII path)
                if (c == '\u212A') {
                    c = 'k';
                } else if (c == '\u017F') {
                    c = 's';
                }
            }
            int v;
            if (c < ASCII) {
                v = t[row + cls[c]]; // the common step: one load, the next row or its complement
            } else {
                int s = row / width;
                c = Lower.OF[c];
                int x;
                while ((x = wideEdge(wide, s, c)) < 0 && s != 0) {
                    s = fail[s];
                }
                v = entry(x < 0 ? 0 : x, width);
            }
            if (v >= 0) {
                row = v;
                continue;
            }
            row = ~v;
            for (int k : outputs[row / width]) {
                found[k] = true;
                if (counts[k] < 0) {
                    continue; // crowded
                }
                int c0 = counts[k];
                if (c0 == cap) {
                    counts[k] = -1;
                    continue;
                }
                int[] a = starts[k];
                if (a == null) {
                    a = new int[8];
                    starts[k] = a;
                } else if (c0 == a.length) {
                    a = Arrays.copyOf(a, Math.max(8, c0 * 2));
                    starts[k] = a;
                }
                a[c0] = i + 1 - lengths[k];
                counts[k] = c0 + 1;
            }
        }
        BitSet seen = new BitSet(keywordCount);
        for (int k = 0; k < keywordCount; k++) {
            if (found[k]) {
                seen.set(k);
            }
            if (counts[k] < 0) {
                crowded.set(k);
                counts[k] = 0;
            }
        }
        return new Occurrences(seen, starts, counts, crowded);
    }

    /**
     * The keywords seen, and for each the start offsets of its occurrences in increasing order
     * ({@code starts[k][0..counts[k])}, no more than that: the arrays are reused), unless it was {@code crowded}.
     */
    public record Occurrences(BitSet seen, int[][] starts, int[] counts, BitSet crowded) {}

    public int states() {
        return states;
    }

    /** {@link Character#toLowerCase(char)} of every UTF-16 unit, looked up: texts in other scripts pass it per character. */
    private static final class Lower {
        static final char[] OF = new char[Character.MAX_VALUE + 1];

        static {
            for (int c = 0; c <= Character.MAX_VALUE; c++) {
                OF[c] = Character.toLowerCase((char) c);
            }
        }
    }
}
