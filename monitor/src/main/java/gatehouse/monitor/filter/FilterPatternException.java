package gatehouse.monitor.filter;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;

/**
 * The one exception {@link FilterPattern#parse(String)} throws: a pattern CloudWatch Logs would reject, with the
 * 1-based column of the offending character. Renders as {@code pattern:1:COL: error: message}, the pattern with a
 * caret under that column, and a hint. Front-ends map it to exit code 2 like any other {@link InputException}.
 */
public final class FilterPatternException extends InputException {
    private static final long serialVersionUID = 1L;

    /** The name standing for the pattern in diagnostics (the pattern is not a file). */
    public static final String SOURCE = "pattern";

    private final int column;
    private final String reason;

    FilterPatternException(String pattern, int column, String message, String hint) {
        super(Diagnostic.of("filter_pattern_error", SourceSpan.at(SOURCE, 1, Math.max(1, column)), message, hint)
                .withSourceLine(pattern.replace('\n', ' ').replace('\r', ' ')));
        this.column = Math.max(1, column);
        this.reason = message;
    }

    /** The 1-based column (in the pattern as given, before trimming) where the problem was found. */
    public int column() {
        return column;
    }

    /** The message alone, without position or hint. */
    public String reason() {
        return reason;
    }
}
