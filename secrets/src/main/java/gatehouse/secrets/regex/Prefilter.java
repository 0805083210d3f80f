package gatehouse.secrets.regex;

import gatehouse.secrets.regex.RegexSyntax.Node;

/**
 * Lazily built DFAs for languages that contain a regex's: they read a text a table lookup per character and say
 * where a match could end, and where one could start — or that none can. RE2/J's NFA costs about a microsecond
 * per character on secret rules (their bounded repetitions keep dozens of threads alive), so the detector asks
 * these first and runs RE2/J only from the place they name (see {@link RegexScan}), which keeps RE2/J's exact
 * leftmost-first matches while most text never reaches it.
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
    private final int maxChars;

    private Prefilter(Automaton ends, Automaton starts, int maxChars) {
        this.ends = ends;
        this.starts = starts;
        this.maxChars = maxChars;
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
            return new Prefilter(ends, new Automaton(RegexSyntax.relaxed(tree), true), RegexSyntax.maxChars(tree));
        } catch (RegexSyntax.Unsupported | StackOverflowError e) {
            return null;
        }
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

    /** {@link Starts} for one scan: the thread's automaton state fetched once, for many calls. */
    public Starts starts() {
        Automaton.Cache c = starts.cache();
        return (text, n, from, to) -> starts.firstStart(c, text, n, from, to);
    }

    /** Where a match may start, for one thread's scan of one text. */
    @FunctionalInterface
    public interface Starts {
        /** The first place in {@code [from, to]} where a match ending by {@code n} may start, or -1. */
        int firstStart(char[] text, int n, int from, int to);
    }
}
