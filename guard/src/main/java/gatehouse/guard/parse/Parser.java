package gatehouse.guard.parse;

import gatehouse.guard.ast.RulesFile;
import gatehouse.guard.parse.internal.GuardGrammar;

/**
 * Parses Guard rule files (the language of cfn-guard 3.1.1, plus {@code now()} and {@code parse_epoch()}).
 *
 * <p>Thread-safe and allocation-light: a parse holds no global state. Nesting deeper than
 * {@link #MAX_NESTING} levels is rejected with a diagnostic, so no input can overflow the stack.
 */
public final class Parser {
    /** Deepest nesting of blocks, filters, lists, maps and function calls accepted. */
    public static final int MAX_NESTING = 200;
    /** Most diagnostics reported for one file. */
    public static final int MAX_ERRORS = 25;

    private Parser() {}

    /**
     * Parses one rule file.
     *
     * @param fileName the name used in locations and messages, as the user gave it
     * @param source   the file's text
     * @return the parsed file; empty (no rules) for a blank or comment-only file
     * @throws GuardParseException with one or more diagnostics when the text is not valid Guard
     */
    public static RulesFile parse(String fileName, String source) {
        return parse(fileName, source, Dialect.CFN_GUARD);
    }

    /** Parses one rule file in the given dialect. */
    public static RulesFile parse(String fileName, String source, Dialect dialect) {
        return new GuardGrammar(fileName, source, dialect == Dialect.GATEHOUSE).parseFile();
    }

    /** Which language a file is read in. */
    public enum Dialect {
        /** Exactly cfn-guard 3.1.1's language: what {@code gatehouse guard} accepts. */
        CFN_GUARD,
        /**
         * cfn-guard's language plus Gatehouse's functions ({@code gh_cidr_within}, {@code gh_cidr_overlaps},
         * {@code gh_ports_cover}; see docs/rule-pack.md): what {@code gatehouse scan} accepts.
         */
        GATEHOUSE
    }
}
