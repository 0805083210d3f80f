package gatehouse.secrets.regex;

import gatehouse.secrets.regex.RegexSyntax.Assert;
import gatehouse.secrets.regex.RegexSyntax.Chars;
import gatehouse.secrets.regex.RegexSyntax.Group;
import gatehouse.secrets.regex.RegexSyntax.Node;
import gatehouse.secrets.regex.RegexSyntax.Rep;
import java.util.Arrays;

/**
 * RE2's match of a regex starting exactly at a given place, with its capture groups, for ASCII text: what
 * {@link RegexScan} asks at each place the {@link Prefilter} leaves, found without RE2/J's NFA.
 *
 * <p>This is RE2's own "bit-state" search. The regex's exact tree ({@link RegexSyntax#parseExact}) is compiled into a
 * program as RE2 compiles it — counted repetitions unrolled and nested ({@code x{2,4}} is {@code xx(x(x)?)?}), each
 * choice trying first what RE2 prefers (the left alternative, one more repetition unless lazy) — and searched depth
 * first, in that order, so the first path to reach the end is the leftmost-first match RE2's NFA gives, and the
 * capture positions are those of that path. Each (instruction, place) pair is entered at most once: whether the
 * rest of the program can match from there does not depend on how it was reached, so a pair that was entered
 * before, and did not lead to a match then, never will; the work is linear in the program's size times the text
 * the match can span, with a small constant (one bit test and an array load per step, where the NFA copies
 * capture arrays between thread lists). The visited bits live in one array per thread; a search notes each word
 * it sets first and clears just those, so a search costs what it visits, not the size of the program times the
 * span (which unrolled counts such as {@code (?:[^\n]|\n[ \t#]){0,800}?} make large).
 *
 * <p>Where it does not answer ({@link #UNKNOWN}), RE2/J does: when the search reads a non-ASCII character (the
 * tree is exact for ASCII only), or when the visited set for the span would be too large. Regexes it cannot
 * compile exactly — a repetition of something that matches the empty string, where RE2's handling of empty
 * iterations depends on its program's shape; a capture group repeated zero times, which RE2/J reports
 * inconsistently; or syntax the tree does not read — have no backtracker at all
 * ({@link #of} gives null).
 */
public final class Backtracker {
    /** The search could not decide (see the class comment): ask RE2/J. */
    public static final int[] UNKNOWN = new int[0];
    static final int MAX_INSTS = 20_000;
    /**
     * The most visited bits one search may use (1 MiB per thread at most): the bits of the places it actually
     * reaches, one program's worth per place; a search that would need more is handed to RE2/J.
     */
    static final int MAX_VISITED_BITS = 1 << 23;

    /** The deepest job stack a search may build (4 MiB per thread at most), pending choices and undos. */
    static final int MAX_JOBS = 1 << 20;

    private static final byte CHAR = Thompson.CHAR;
    private static final byte SPLIT = Thompson.SPLIT;
    private static final byte SAVE = Thompson.SAVE;
    private static final byte ASSERT = Thompson.ASSERT;

    private final byte[] op;
    /** The next instruction; for a split, the one tried first. */
    private final int[] next;
    /** A split's other instruction, a save's slot, an assertion's kind. */
    private final int[] arg;
    private final long[] lo;
    private final long[] hi;
    private final int start;
    private final int size;
    private final int slots;
    /** The most code points a match spans, or -1 when unbounded. */
    private final long maxCodePoints;
    /** Shared by every backtracker: a thread runs one search at a time. */
    private static final ThreadLocal<Search> SEARCH = ThreadLocal.withInitial(Search::new);

    private Backtracker(Program p, int start, int groups, long maxCodePoints) {
        this.op = Arrays.copyOf(p.op, p.size);
        this.next = Arrays.copyOf(p.next, p.size);
        this.arg = Arrays.copyOf(p.arg, p.size);
        this.lo = Arrays.copyOf(p.lo, p.size);
        this.hi = Arrays.copyOf(p.hi, p.size);
        this.start = start;
        this.size = p.size;
        this.slots = 2 * (groups + 1);
        this.maxCodePoints = maxCodePoints;
    }

    /** The backtracker for an RE2 regex, or null when it has none (see the class comment). */
    public static Backtracker of(String regex) {
        try {
            Node tree = RegexSyntax.parseExact(regex);
            Program p = new Program();
            int match = p.add(Thompson.MATCH, -1, 0);
            int start = p.compile(tree, match);
            return new Backtracker(p, start, RegexSyntax.groups(tree), RegexSyntax.maxCodePoints(tree));
        } catch (RegexSyntax.Unsupported | StackOverflowError e) {
            return null;
        }
    }

    /** The number of capture groups. */
    public int groups() {
        return slots / 2 - 1;
    }

    /**
     * RE2's match starting exactly at {@code s} in the first {@code n} characters of {@code text} (the characters
     * before {@code s} count only for assertions, as they do for RE2): the start and end of the match and of each
     * capture group, in pairs (-1 for a group that took no part); null when no match starts there; or
     * {@link #UNKNOWN}.
     */
    public int[] match(char[] text, int n, int s) {
        long span = maxCodePoints < 0 ? n - s : Math.min(n - s, maxCodePoints);
        // the visited set grows with the places reached: most searches stop within a few characters, while the
        // bound (the longest match times the program) may be far larger
        int limit = (int) Math.min(MAX_VISITED_BITS, (span + 1) * size);
        Search st = SEARCH.get();
        long[] visited = st.visited;
        int[] cap = new int[slots];
        Arrays.fill(cap, -1);
        int[] dirty = st.dirty;
        int dirtyCount = 0;
        int[] result = null;
        int sp = 0;
        int[] jobs = st.jobs;
        jobs[sp++] = start;
        jobs[sp++] = s;
        search:
        while (sp > 0) {
            int p = jobs[--sp];
            int inst = jobs[--sp];
            if (inst < 0) {
                cap[-inst - 1] = p; // undo a save on the way back
                continue;
            }
            while (true) {
                int bit = (p - s) * size + inst;
                int w = bit >>> 6;
                if (w >= visited.length) {
                    if (bit >= limit) {
                        result = UNKNOWN; // past the largest visited set allowed
                        break search;
                    }
                    visited = st.grow(w + 1);
                }
                long word = visited[w];
                long mask = 1L << bit;
                if ((word & mask) != 0) {
                    break;
                }
                if (word == 0) {
                    if (dirtyCount == dirty.length) {
                        dirty = st.growDirty();
                    }
                    dirty[dirtyCount++] = w;
                }
                visited[w] = word | mask;
                switch (op[inst]) {
                    case CHAR -> {
                        if (p == n) {
                            continue search;
                        }
                        char c = text[p];
                        if (c >= 128) {
                            result = UNKNOWN;
                            break search;
                        }
                        if (((c < 64 ? lo[inst] >>> c : hi[inst] >>> (c - 64)) & 1L) == 0) {
                            continue search;
                        }
                        inst = next[inst];
                        p++;
                    }
                    case SPLIT -> {
                        if (sp + 2 > jobs.length && (jobs = st.grow()) == null) {
                            result = UNKNOWN; // a stack this deep: leave it to RE2/J
                            break search;
                        }
                        jobs[sp++] = arg[inst];
                        jobs[sp++] = p;
                        inst = next[inst];
                    }
                    case SAVE -> {
                        if (sp + 2 > jobs.length && (jobs = st.grow()) == null) {
                            result = UNKNOWN;
                            break search;
                        }
                        int slot = arg[inst];
                        jobs[sp++] = -slot - 1;
                        jobs[sp++] = cap[slot];
                        cap[slot] = p;
                        inst = next[inst];
                    }
                    case ASSERT -> {
                        if (!holds(arg[inst], text, n, p)) {
                            continue search;
                        }
                        inst = next[inst];
                    }
                    default -> { // MATCH: the first path to get here is RE2's match
                        cap[0] = s;
                        cap[1] = p;
                        result = cap;
                        break search;
                    }
                }
            }
        }
        for (int i = 0; i < dirtyCount; i++) {
            visited[dirty[i]] = 0L;
        }
        return result;
    }

    private static boolean holds(int kind, char[] text, int n, int p) {
        return switch (kind) {
            case Assert.BEGIN_TEXT -> p == 0;
            case Assert.END_TEXT -> p == n;
            case Assert.BEGIN_LINE -> p == 0 || text[p - 1] == '\n';
            case Assert.END_LINE -> p == n || text[p] == '\n';
            case Assert.WORD_BOUNDARY -> word(text, n, p - 1) != word(text, n, p);
            default -> word(text, n, p - 1) == word(text, n, p); // NOT_WORD_BOUNDARY
        };
    }

    /** Whether the character at {@code i} is an ASCII word character, as RE2's {@code \b} reads it. */
    private static boolean word(char[] text, int n, int i) {
        if (i < 0 || i >= n) {
            return false;
        }
        char c = text[i];
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    /** One thread's visited bits, the words of them a search set (to clear just those), and its job stack. */
    private static final class Search {
        long[] visited = new long[64];
        int[] dirty = new int[256];
        int[] jobs = new int[256];

        int[] growDirty() {
            dirty = Arrays.copyOf(dirty, dirty.length * 2);
            return dirty;
        }

        /** The visited bits with room for at least {@code words} words, the ones set so far kept. */
        long[] grow(int words) {
            visited = Arrays.copyOf(visited, Math.max(words, Math.min(visited.length * 2, MAX_VISITED_BITS >>> 6)));
            return visited;
        }

        /** The job stack, twice as deep; null when it is at {@link #MAX_JOBS} already. */
        int[] grow() {
            if (jobs.length >= MAX_JOBS) {
                return null;
            }
            jobs = Arrays.copyOf(jobs, jobs.length * 2);
            return jobs;
        }
    }

    /** The program: capture groups save where they begin and end, assertions are tested, sets are bit sets. */
    private static final class Program extends Thompson {
        long[] lo = new long[256];
        long[] hi = new long[256];

        Program() {
            super(MAX_INSTS, "regex too large for a backtracker");
        }

        @Override
        void grown(int capacity) {
            lo = Arrays.copyOf(lo, capacity);
            hi = Arrays.copyOf(hi, capacity);
        }

        @Override
        int chars(Chars c, int out) throws RegexSyntax.Unsupported {
            int i = add(CHAR, out, 0);
            lo[i] = c.lo();
            hi[i] = c.hi();
            return i;
        }

        @Override
        int assertion(Assert a, int out) throws RegexSyntax.Unsupported {
            return add(ASSERT, out, a.kind());
        }

        @Override
        int group(Group g, int out) throws RegexSyntax.Unsupported {
            int close = add(SAVE, out, 2 * g.index() + 1);
            return add(SAVE, compile(g.item(), close), 2 * g.index());
        }

        @Override
        void check(Rep r) throws RegexSyntax.Unsupported {
            if (r.max() == 0 && RegexSyntax.groups(r.item()) > 0) {
                // a group that is never compiled: RE2/J reports it at the start of its input in some programs and
                // as absent in others
                throw new RegexSyntax.Unsupported("a capture group repeated zero times");
            }
            if (r.max() < 0 && RegexSyntax.nullable(r.item())) {
                throw new RegexSyntax.Unsupported("a loop over the empty string");
            }
        }
    }
}
