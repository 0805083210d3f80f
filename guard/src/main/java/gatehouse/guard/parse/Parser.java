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
        return new GuardGrammar(fileName, source).parseFile();
    }
}
