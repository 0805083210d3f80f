package gatehouse.guard.regex;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A compiled Guard regex. Patterns run on RE2/J (linear time) when it accepts them; patterns that need
 * look-around or back-references (which cfn-guard's engine allows) run on {@link java.util.regex} over an
 * input that counts character reads and gives up past a step budget, so no pattern and no input can hang
 * an evaluation. Compiled patterns are cached; instances are immutable and thread-safe.
 */
public final class GuardRegex {
    /** Default budget of character reads for one backtracking match. */
    public static final long DEFAULT_BUDGET = 10_000_000L;

    private static final ConcurrentHashMap<String, GuardRegex> CACHE = new ConcurrentHashMap<>();

    private final String pattern;
    private final com.google.re2j.Pattern re2;
    private final java.util.regex.Pattern backtracking;

    private GuardRegex(String pattern, com.google.re2j.Pattern re2, java.util.regex.Pattern backtracking) {
        this.pattern = pattern;
        this.re2 = re2;
        this.backtracking = backtracking;
    }

    /** Thrown when a backtracking match exceeds its budget. */
    public static final class BudgetExceededException extends RuntimeException {
        public BudgetExceededException(String pattern) {
            super("regex /" + pattern + "/ took more than " + DEFAULT_BUDGET + " steps", null, false, false);
        }
    }

    /**
     * Compiles (or fetches from the cache) a pattern written in Rust regex syntax.
     *
     * @throws IllegalArgumentException when neither engine accepts the pattern
     */
    public static GuardRegex of(String pattern) {
        GuardRegex cached = CACHE.get(pattern);
        if (cached != null) {
            return cached;
        }
        GuardRegex compiled = compile(pattern);
        if (CACHE.size() < 10_000) {
            CACHE.put(pattern, compiled);
        }
        return compiled;
    }

    private static GuardRegex compile(String pattern) {
        gatehouse.core.regex.FoldHazard.Problem hazard = gatehouse.core.regex.FoldHazard.find(pattern);
        if (hazard != null) {
            // RE2/J would never finish compiling it, and java.util.regex backtracks: refuse it
            throw new IllegalArgumentException("invalid regex /" + pattern + "/: " + hazard.message());
        }
        try {
            return new GuardRegex(pattern, com.google.re2j.Pattern.compile(pattern), null);
        } catch (RuntimeException e) {
            try {
                return new GuardRegex(pattern, null, java.util.regex.Pattern.compile(pattern.replace("(?P<", "(?<")));
            } catch (RuntimeException | StackOverflowError e2) {
                throw new IllegalArgumentException("invalid regex /" + pattern + "/: " + e2.getMessage());
            }
        }
    }

    public String pattern() {
        return pattern;
    }

    /** True when the pattern matches anywhere in {@code input} (unanchored, as cfn-guard's is_match). */
    public boolean find(String input) {
        if (re2 != null) {
            return re2.matcher(input).find();
        }
        try {
            return backtracking.matcher(new Budgeted(input, pattern)).find();
        } catch (StackOverflowError e) {
            throw new BudgetExceededException(pattern);
        }
    }

    /** Replaces every match; {@code $1} and {@code ${name}} refer to groups, as in Rust's regex. */
    public String replaceAll(String input, String replacement) {
        if (re2 != null) {
            return re2.matcher(input).replaceAll(replacement);
        }
        try {
            return backtracking.matcher(new Budgeted(input, pattern)).replaceAll(replacement);
        } catch (StackOverflowError e) {
            throw new BudgetExceededException(pattern);
        }
    }

    /** A CharSequence that throws once too many characters have been read. */
    private static final class Budgeted implements CharSequence {
        private final String s;
        private final String pattern;
        private final long[] reads;

        Budgeted(String s, String pattern) {
            this(s, pattern, new long[1]);
        }

        private Budgeted(String s, String pattern, long[] reads) {
            this.s = s;
            this.pattern = pattern;
            this.reads = reads;
        }

        @Override
        public int length() {
            return s.length();
        }

        @Override
        public char charAt(int index) {
            if (++reads[0] > DEFAULT_BUDGET) {
                throw new BudgetExceededException(pattern);
            }
            return s.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(s.substring(start, end), pattern, reads);
        }

        @Override
        public String toString() {
            return s;
        }
    }
}
