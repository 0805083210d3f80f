package gatehouse.secrets.regex;

import gatehouse.secrets.regex.RegexSyntax.Node;

/**
 * Lazily built DFAs for languages that contain a regex's: they read a text a table lookup per character and say
 * where a match could end, and where one could start — or that none can. RE2/J's NFA costs about a microsecond
 * per character on secret rules (their bounded repetitions keep dozens of threads alive), so the detector asks
 * these first and tries an anchored match only at the places they leave (see {@link RegexScan}) — answered by the
 * regex's {@link Backtracker}, else RE2/J — which keeps RE2's exact leftmost-first matches while most text never
 * reaches either.
 *
 * <p>Two automata per regex: an unanchored one, built from a form of the regex that ends where it ends but
 * counts less ({@link RegexSyntax#sameEnds}), finds the earliest end; an anchored one over the whole regex says
 * whether a match can start at a given place. Both relax wide repetition ranges to unbounded ones
 * ({@link RegexSyntax#relaxed}): still a superset, with a handful of states where exact counting would need
 * one per count. The longest match, which bounds where RE2/J must look, comes from the exact regex. States are sets of NFA states, built on first use per thread
 * and capped: when a text visits too many, the cache is cleared and built again, and after too many clears
 * the prefilter gives up on that text ({@link #UNKNOWN}), so no input can make it slow or large.
 */
public final class Prefilter {
    /** The prefilter could not decide; search with RE2/J. */
    public static final int UNKNOWN = -2;
    private final Automaton ends;
    private final Automaton starts;
    /** {@link #starts} for places after the first character, where {@code ^} and {@code \A} cannot hold. */
    private final Automaton startsLater;
    private final int maxChars;
    /** The regex's superset tree, for {@link #keywordLead}. */
    private final Node tree;
    /** Whether the regex names non-ASCII characters itself (then only ASCII analysis is trusted). */
    private final boolean namesNonAscii;
    private final String regex;
    /** The {@link Backtracker}, {@link #NO_BACKTRACKER} when the regex has none, null until first asked. */
    private volatile Object backtracker;
    private static final Object NO_BACKTRACKER = new Object();

    private Prefilter(String regex, Automaton ends, Automaton starts, Automaton startsLater, int maxChars, Node tree,
                      boolean namesNonAscii) {
        this.regex = regex;
        this.ends = ends;
        this.starts = starts;
        this.startsLater = startsLater;
        this.maxChars = maxChars;
        this.tree = tree;
        this.namesNonAscii = namesNonAscii;
    }

    /**
     * The prefilter for an RE2 regex, or null when it cannot help: syntax it does not read, a regex too large,
     * or one that matches the empty string (then every position is a candidate).
     */
    public static Prefilter of(String regex) {
        try {
            Node tree = RegexSyntax.parse(regex);
            Automaton ends = new Automaton(RegexSyntax.relaxed(RegexSyntax.sameEnds(tree)), false);
            if (ends.matchesEmpty) {
                return null;
            }
            Automaton later = new Automaton(RegexSyntax.relaxed(RegexSyntax.parseNotAtStart(regex)), true);
            return new Prefilter(regex, ends, new Automaton(RegexSyntax.relaxed(tree), true), later,
                    RegexSyntax.maxChars(tree), tree, Keywords.namesNonAscii(regex));
        } catch (RegexSyntax.Unsupported | StackOverflowError e) {
            return null;
        }
    }

    /**
     * The regex's exact matcher for the places this prefilter leaves ({@link RegexScan}), built on first use; null
     * when it has none.
     */
    public Backtracker backtracker() {
        Object b = backtracker;
        if (b == null) {
            Backtracker built = Backtracker.of(regex);
            b = built == null ? NO_BACKTRACKER : built;
            backtracker = b;
        }
        return b == NO_BACKTRACKER ? null : (Backtracker) b;
    }

    /** The most characters a match can span, or -1 when unbounded. */
    public int maxChars() {
        return maxChars;
    }

    /**
     * The smallest end offset of a possible match starting at or after {@code from} (assertions are not
     * checked, so the text before {@code from} does not matter), -1 when no match can start there, or
     * {@link #UNKNOWN}.
     */
    public int firstEnd(CharSequence text, int from) {
        char[] chars = text.toString().toCharArray();
        return firstEnd(chars, chars.length, from);
    }

    /** {@link #firstEnd(CharSequence, int)} over the first {@code n} characters of an array. */
    public int firstEnd(char[] text, int n, int from) {
        return ends.firstEnd(text, n, from);
    }

    /**
     * How far into a match an occurrence of one of {@code keywords} (lower case, found case-insensitively with
     * the Kelvin sign and long s folded to k and s, as {@code (?i)} folds them) must begin: every match holds
     * one starting at most this many characters after its own start. -1 when a match may hold none. Lets a scan
     * look for matches only just before the places where a keyword occurs (see {@link RegexScan#forEachNear}).
     */
    public int keywordLead(java.util.List<String> keywords) {
        return Keywords.lead(tree, keywords, namesNonAscii);
    }

    /**
     * {@link #keywordLead} for the regex's tail, the part the unanchored automaton reads (every match ends with a
     * match of it): usually far less, since the text before a keyword — {@code [\w.-]{0,50}} before {@code key} —
     * is what the tail leaves out. -1 when a match of the tail may hold none.
     */
    public int endsKeywordLead(java.util.List<String> keywords) {
        return Keywords.lead(RegexSyntax.sameEnds(tree), keywords, namesNonAscii);
    }

    /** {@link Ends} for one scan: the thread's automaton state fetched once, for many calls. */
    public Ends ends() {
        Automaton.Cache c = ends.cache();
        return new Ends() {
            @Override
            public int firstEnd(char[] text, int n, int from, int lastStart) {
                return ends.firstEnd(c, text, n, from, lastStart);
            }

            @Override
            public long work() {
                return c.work;
            }
        };
    }

    /** Where matches may end, for one thread's scan of one text. */
    public interface Ends {
        /**
         * The smallest end offset, by {@code n}, of a possible match starting from {@code from} to
         * {@code lastStart}; -1 when there is none, or {@link #UNKNOWN}.
         */
        int firstEnd(char[] text, int n, int from, int lastStart);

        /** Characters read so far by this thread's searches (a running count: compare differences). */
        long work();
    }

    /** {@link Starts} for one scan: the thread's automaton state fetched once, for many calls. */
    public Starts starts() {
        Automaton.Cache first = starts.cache();
        Automaton.Cache later = startsLater.cache();
        return (text, n, from, to) -> {
            int s = from;
            if (s == 0) {
                if (starts.firstStart(first, text, n, 0, 0) == 0) {
                    return 0;
                }
                s = 1;
            }
            return s > to ? -1 : startsLater.firstStart(later, text, n, s, to);
        };
    }

    /** Where a match may start, for one thread's scan of one text. */
    @FunctionalInterface
    public interface Starts {
        /** The first place in {@code [from, to]} where a match ending by {@code n} may start, or -1. */
        int firstStart(char[] text, int n, int from, int to);
    }
}
