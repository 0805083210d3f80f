package gatehouse.core;

import java.util.List;
import java.util.Objects;

/**
 * A problem with an input a user gave (a rule file, a template, a flag), with a stable code that
 * scripts may match on, a place, a message and an optional hint.
 *
 * <p>Rendered as {@code path:line:col: error: message} followed by the offending source line with a
 * caret when the source text is known, then {@code   hint: ...}. Codes are lower_snake with a phase
 * prefix: {@code policy_parse_error}, {@code input_yaml_error}, {@code input_json_error},
 * {@code input_io_error}, {@code eval_error}.
 */
public record Diagnostic(String code, SourceSpan span, String message, String hint, String sourceLine) {
    public Diagnostic {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    public static Diagnostic of(String code, SourceSpan span, String message, String hint) {
        return new Diagnostic(code, span, message, hint, null);
    }

    /** The same diagnostic with the source line attached, for a caret excerpt. */
    public Diagnostic withSourceLine(String line) {
        return new Diagnostic(code, span, message, hint, line);
    }

    /** The first line alone: {@code path:line:col: error: message}. */
    public String headline() {
        String where = span == null ? "" : span.display() + ": ";
        return where + "error: " + message;
    }

    /** Full rendering: headline, optional caret excerpt, optional hint. Lines end with {@code \n}. */
    public String render() {
        StringBuilder sb = new StringBuilder(headline()).append('\n');
        if (sourceLine != null && span != null && sourceLine.length() < 400) {
            String num = Integer.toString(span.line());
            sb.append("    ").append(num).append(" | ").append(sourceLine.stripTrailing()).append('\n');
            sb.append("    ").append(" ".repeat(num.length())).append(" | ");
            int caret = Math.min(Math.max(0, span.column() - 1), sourceLine.length());
            for (int i = 0; i < caret; i++) {
                sb.append(sourceLine.charAt(i) == '\t' ? '\t' : ' ');
            }
            sb.append("^\n");
        }
        if (hint != null && !hint.isBlank()) {
            sb.append("  hint: ").append(hint).append('\n');
        }
        return sb.toString();
    }

    /** Renders several diagnostics sorted by position. */
    public static String renderAll(List<Diagnostic> diagnostics) {
        StringBuilder sb = new StringBuilder();
        diagnostics.stream()
                .sorted((a, b) -> a.span == null || b.span == null ? 0 : SourceSpan.ORDER.compare(a.span, b.span))
                .forEach(d -> sb.append(d.render()));
        return sb.toString();
    }
}
