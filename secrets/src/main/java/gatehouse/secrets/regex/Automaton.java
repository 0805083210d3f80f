package gatehouse.secrets.regex;

import gatehouse.secrets.regex.RegexSyntax.Chars;
import gatehouse.secrets.regex.RegexSyntax.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One lazily built DFA over a superset of a regex's language (see {@link Prefilter}): unanchored (a match may
 * start anywhere from the scan's start; finds the earliest end) or anchored (the match starts where the scan
 * starts; stops as soon as no NFA state is left).
 */
final class Automaton {
    static final int UNKNOWN = Prefilter.UNKNOWN;
    static final int MAX_NFA_STATES = 60_000;
    static final int MAX_DFA_STATES = 2_000;
    static final int MAX_FLUSHES = 8;

    private static final byte CHAR = Thompson.CHAR;
    private static final byte SPLIT = Thompson.SPLIT;
    private static final byte MATCH = Thompson.MATCH;

    private final byte[] kind;
    private final int[] next1;
    private final int[] next2;
    private final int[] charSet;
    /** For each distinct character set, whether each alphabet class is in it. */
    private final boolean[][] member;
    /** ASCII character → alphabet class; every non-ASCII code point is class {@code classes - 1}. */
    private final byte[] classOf;
    private final int classes;
    private final int[] startSet;
    /** Anchored: matches start where the scan starts; unanchored: anywhere from there on. */
    private final boolean anchored;
    /** Characters that leave the start state unchanged (nothing begins with them). */
    private final boolean[] startStays = new boolean[128];
    private final boolean startStaysNonAscii;
    private final ThreadLocal<Cache> cache = ThreadLocal.withInitial(Cache::new);
    final boolean matchesEmpty;

    Automaton(Node tree, boolean anchored) throws RegexSyntax.Unsupported {
        this(build(tree), anchored);
    }

    private static Nfa build(Node tree) throws RegexSyntax.Unsupported {
        Nfa nfa = new Nfa();
        int match = nfa.add(Thompson.MATCH, -1, -1);
        nfa.start = nfa.compile(tree, match);
        return nfa;
    }

    private Automaton(Nfa nfa, boolean anchored) {
        int start = nfa.start;
        this.kind = Arrays.copyOf(nfa.op, nfa.size);
        this.next1 = Arrays.copyOf(nfa.next, nfa.size);
        this.next2 = Arrays.copyOf(nfa.arg, nfa.size); // a split's other way
        this.charSet = this.next2; // a character instruction's set: the same slot
        this.anchored = anchored;
        List<Chars> sets = nfa.sets;
        // alphabet: ASCII characters that no set tells apart share a class
        Map<String, Integer> bySignature = new LinkedHashMap<>();
        this.classOf = new byte[128];
        for (int c = 0; c < 128; c++) {
            StringBuilder sig = new StringBuilder(sets.size());
            for (Chars s : sets) {
                sig.append(s.has(c) ? '1' : '0');
            }
            Integer id = bySignature.computeIfAbsent(sig.toString(), k -> bySignature.size());
            classOf[c] = (byte) (int) id;
        }
        this.classes = bySignature.size() + 1;
        this.member = new boolean[sets.size()][classes];
        for (int si = 0; si < sets.size(); si++) {
            for (int c = 0; c < 128; c++) {
                member[si][classOf[c]] = sets.get(si).has(c);
            }
            member[si][classes - 1] = sets.get(si).nonAscii();
        }
        this.startSet = closure(new int[] {start}, 1, new int[nfa.size], 1);
        boolean[] begins = new boolean[classes];
        for (int st : startSet) {
            if (kind[st] == CHAR) {
                for (int cl = 0; cl < classes; cl++) {
                    begins[cl] |= member[charSet[st]][cl];
                }
            }
        }
        for (int ch = 0; ch < 128; ch++) {
            startStays[ch] = !begins[classOf[ch]];
        }
        this.startStaysNonAscii = !begins[classes - 1];
        boolean empty = false;
        for (int st : startSet) {
            empty |= kind[st] == MATCH;
        }
        this.matchesEmpty = empty;
    }

    /**
     * Unanchored: the smallest end of a possible match starting at or after {@code from}; anchored: the smallest
     * end of a possible match starting exactly at {@code from}. -1 when there is none before {@code n}, or
     * {@link #UNKNOWN}.
     */
    int firstEnd(char[] text, int n, int from) {
        return firstEnd(cache.get(), text, n, from);
    }

    /** This thread's states and transitions (a scan that calls {@link #firstEnd} often fetches it once). */
    Cache cache() {
        return cache.get();
    }

    /**
     * Anchored: the first place from {@code from} to {@code to} where a match may start (ending by {@code n}), or
     * -1. A character no match begins with is passed over without running the automaton.
     */
    int firstStart(Cache c, char[] text, int n, int from, int to) {
        for (int s = from; s <= to; s++) {
            char ch = text[s];
            if (ch < 128 ? startStays[ch] : startStaysNonAscii) {
                continue; // anchored, such a character leads nowhere
            }
            if (s > 0 && Character.isLowSurrogate(ch) && Character.isHighSurrogate(text[s - 1])) {
                continue; // inside a code point
            }
            if (firstEnd(c, text, n, s) != -1) {
                return s;
            }
        }
        return -1;
    }

    int firstEnd(Cache c, char[] text, int n, int from) {
        return firstEnd(c, text, n, from, Integer.MAX_VALUE);
    }

    /**
     * {@link #firstEnd(Cache, char[], int, int)} for matches starting no later than {@code lastStart}: an
     * unanchored automaton stops starting matches there, and then stops as soon as every match it began has
     * failed, instead of reading on to {@code n}. The characters read are added to {@link Cache#work}.
     */
    int firstEnd(Cache c, char[] text, int n, int from, int lastStart) {
        c.flushes = 0;
        int k = classes;
        byte[] classes = classOf;
        int state = 0;
        int i = from;
        try {
            while (i < n) {
                boolean inject = !anchored && i < lastStart; // a match may start after this character
                if (state == 0 && inject) {
                    // most characters leave an unanchored search where it was: skip them without a table walk
                    while (i < n && i < lastStart) {
                        char ch = text[i];
                        if (ch < 128 ? !startStays[ch] : !startStaysNonAscii) {
                            break;
                        }
                        i++;
                    }
                    if (i == n) {
                        return -1;
                    }
                    inject = i < lastStart;
                }
                // the common step: an ASCII character through a known transition to an ordinary state; the table
                // holds the target's row (state times classes), so each step is one load and one add
                int[] table = inject || anchored ? c.trans : c.transNoStart;
                int stop = inject ? Math.min(n, lastStart) : n;
                int row = state * k;
                while (i < stop) {
                    char ch = text[i];
                    if (ch >= 128) {
                        break;
                    }
                    int v = table[row + classes[ch]];
                    if (v < 0) {
                        break;
                    }
                    row = v;
                    i++;
                }
                state = row / k;
                if (i == stop) {
                    continue; // the end of the text, or where matches stop starting
                }
                char ch = text[i++];
                int cls;
                if (ch < 128) {
                    cls = classes[ch];
                } else {
                    cls = k - 1;
                    if (Character.isHighSurrogate(ch) && i < n && Character.isLowSurrogate(text[i])) {
                        i++;
                    }
                }
                int t = table[state * k + cls];
                if (t == -1) {
                    t = c.step(state, cls, inject);
                    if (t < 0) {
                        return UNKNOWN;
                    }
                } else {
                    t = (t < 0 ? -t - 2 : t) / k;
                }
                state = t;
                if (c.accept[state]) {
                    return i;
                }
                if (c.dead[state]) {
                    return -1;
                }
            }
            return -1;
        } finally {
            c.work += i - from;
        }
    }

    /** The set of character-reading and matching states reachable without reading from {@code seeds}. */
    private int[] closure(int[] seeds, int count, int[] marks, int gen) {
        int[] stack = new int[Math.max(16, count * 2)];
        int sp = 0;
        int[] out = new int[16];
        int n = 0;
        for (int i = 0; i < count; i++) {
            stack = push(stack, sp++, seeds[i]);
        }
        while (sp > 0) {
            int s = stack[--sp];
            if (marks[s] == gen) {
                continue;
            }
            marks[s] = gen;
            if (kind[s] == SPLIT) {
                stack = push(stack, sp++, next2[s]);
                stack = push(stack, sp++, next1[s]);
            } else {
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = s;
            }
        }
        int[] set = Arrays.copyOf(out, n);
        Arrays.sort(set);
        return set;
    }

    private static int[] push(int[] stack, int at, int v) {
        int[] s = at == stack.length ? Arrays.copyOf(stack, at * 2) : stack;
        s[at] = v;
        return s;
    }

    /** One thread's DFA states and transitions. */
    final class Cache {
        final Map<Key, Integer> ids = new HashMap<>();
        int[][] sets = new int[64][];
        boolean[] accept = new boolean[64];
        boolean[] dead = new boolean[64];
        int[] trans = new int[64 * classes];
        /** An unanchored automaton's transitions once no more matches may start ({@link #firstEnd} lastStart). */
        int[] transNoStart = new int[64 * classes];
        int count;
        /** Characters read by this thread's searches, for callers that bound their work. */
        long work;
        int flushes;
        final int[] marks = new int[kind.length];
        int gen;

        Cache() {
            reset();
        }

        private void reset() {
            ids.clear();
            count = 0;
            Arrays.fill(trans, -1);
            Arrays.fill(transNoStart, -1);
            add(startSet);
        }

        private int add(int[] set) {
            Integer known = ids.get(new Key(set));
            if (known != null) {
                return known;
            }
            int id = count++;
            if (id == sets.length) {
                sets = Arrays.copyOf(sets, id * 2);
                accept = Arrays.copyOf(accept, id * 2);
                dead = Arrays.copyOf(dead, id * 2);
                int old = trans.length;
                trans = Arrays.copyOf(trans, old * 2);
                Arrays.fill(trans, old, trans.length, -1);
                transNoStart = Arrays.copyOf(transNoStart, old * 2);
                Arrays.fill(transNoStart, old, transNoStart.length, -1);
            }
            sets[id] = set;
            boolean acc = false;
            for (int s : set) {
                acc |= kind[s] == MATCH;
            }
            accept[id] = acc;
            dead[id] = set.length == 0;
            ids.put(new Key(set), id);
            return id;
        }

        /**
         * The state after reading a character of class {@code cls} in {@code state}, with a match starting after it
         * when {@code inject} (an unanchored search); -1 after too many flushes.
         */
        int step(int state, int cls, boolean inject) {
            int[] from = sets[state];
            int[] seeds = new int[from.length + startSet.length];
            int n = 0;
            for (int s : from) {
                if (kind[s] == CHAR && member[charSet[s]][cls]) {
                    seeds[n++] = next1[s];
                }
            }
            if (inject) {
                for (int s : startSet) { // unanchored: a match may start at every position
                    seeds[n++] = s;
                }
            }
            if (++gen == Integer.MAX_VALUE) {
                Arrays.fill(marks, 0);
                gen = 1;
            }
            int[] target = closure(seeds, n, marks, gen);
            if (count >= MAX_DFA_STATES) {
                if (++flushes > MAX_FLUSHES) {
                    return -1;
                }
                reset();
                return add(target); // the old state's id is gone with the flush; its row is not filled
            }
            int id = add(target);
            (inject || anchored ? trans : transNoStart)[state * classes + cls] = entry(id);
            return id;
        }

        /**
         * A transition table entry: the target's row ({@code id * classes}), or, when the target accepts or is
         * dead (a search must stop there), {@code -row - 2}; -1 stays "not built yet".
         */
        private int entry(int id) {
            int row = id * classes;
            return accept[id] || dead[id] ? -row - 2 : row;
        }
    }

    private record Key(int[] set) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(set, k.set);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(set);
        }
    }

    /** The NFA: assertions hold always and groups only group (a superset), each set of characters numbered. */
    private static final class Nfa extends Thompson {
        int start;
        final List<Chars> sets = new ArrayList<>();
        final Map<Chars, Integer> setIds = new HashMap<>();

        Nfa() {
            super(MAX_NFA_STATES, "regex too large for a prefilter");
        }

        @Override
        int chars(Chars c, int out) throws RegexSyntax.Unsupported {
            int id = setIds.computeIfAbsent(c, k -> {
                sets.add(k);
                return sets.size() - 1;
            });
            return add(CHAR, out, id);
        }

        @Override
        int assertion(RegexSyntax.Assert a, int out) {
            return out; // a superset: every assertion holds
        }

        @Override
        int group(RegexSyntax.Group g, int out) throws RegexSyntax.Unsupported {
            return compile(g.item(), out);
        }
    }
}
