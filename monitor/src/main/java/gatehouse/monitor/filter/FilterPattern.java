package gatehouse.monitor.filter;

import java.util.List;
import java.util.Objects;

/**
 * A parsed CloudWatch Logs filter pattern: the syntax metric filters, subscription filters and
 * {@code FilterLogEvents} share, as the AWS documentation specifies it (docs/filter-patterns.md lists the syntax
 * and every decision where the documentation is silent).
 *
 * <p>Why a parser of our own: Gatehouse evaluates the CIS AWS Foundations metric filters (and users' own) against
 * CloudTrail streams without sending them to CloudWatch, so the verdicts must be CloudWatch's, and a pattern
 * CloudWatch would reject must be rejected here too, with the column of the mistake.
 *
 * <p>Immutable and thread-safe; evaluation allocates nothing when an event does not match (JSON and term
 * patterns) and parses an event's JSON at most once whatever the number of patterns ({@link Event}).
 */
public final class FilterPattern {
    /** The sub-language of a pattern, decided by its first non-blank character. */
    public enum Kind {
        /** The empty pattern (or {@code ""}): every event matches. */
        ALL,
        /** Terms on unstructured text: {@code ERROR}, {@code "exact phrase"}, {@code ?ERROR ?WARN}, {@code -DEBUG}, {@code %regex%}. */
        TERMS,
        /** {@code { $.selector OP value && ... }} on JSON events. */
        JSON,
        /** {@code [field, field = value, ..., field]} on space-delimited events. */
        DELIMITED
    }

    private final String text;
    private final Kind kind;
    private final Matchers.Matcher matcher;
    private final List<String> fields;
    private final List<List<Object>> paths;

    private FilterPattern(String text, Parser.Parsed p) {
        this.text = text;
        this.kind = p.kind();
        this.matcher = p.matcher();
        this.fields = p.fields();
        this.paths = switch (p.kind()) {
            case ALL -> List.of();
            case JSON -> p.selectors() == null ? null : p.selectors().stream().map(FilterPattern::path).distinct().toList();
            case TERMS, DELIMITED -> null;
        };
    }

    /** A selector's steps: a property name (String) or an array index (Integer) each. */
    static List<Object> path(Selector s) {
        Object[] steps = new Object[s.names().length];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = s.names()[i] != null ? s.names()[i] : (Object) s.indexes()[i];
        }
        return List.of(steps);
    }

    /**
     * The paths into a JSON event this pattern can read, one per selector, each a list of steps: a property name
     * ({@code String}) or an array index ({@code Integer}); {@code $.userIdentity.type} is
     * {@code ["userIdentity", "type"]}. The verdict depends on nothing else than the nodes these paths reach, and of a
     * node that a path ends at, on nothing but its value if it is a string, number, boolean or null, and on its kind
     * if it is an object or array (a comparison never matches a container). So a reader may build only these nodes,
     * containers ending a path left empty, without changing any verdict. {@code null} when the pattern needs the whole
     * event (term and space-delimited patterns); empty for the pattern that matches everything.
     */
    public List<List<Object>> jsonPaths() {
        return paths;
    }

    /**
     * Parses a pattern.
     *
     * @throws FilterPatternException when CloudWatch Logs would reject the pattern; no other exception escapes
     */
    public static FilterPattern parse(String text) {
        Objects.requireNonNull(text, "text");
        return new FilterPattern(text, Parser.parse(text));
    }

    /** Tests one event; for space-delimited patterns the answer carries the extracted fields. */
    public Match match(Event event) {
        return matcher.match(event);
    }

    /** Tests one event without building extracted fields: the fast path for counting. */
    public boolean matches(Event event) {
        return matcher.matches(event);
    }

    /** The pattern as given. */
    public String text() {
        return text;
    }

    public Kind kind() {
        return kind;
    }

    /** The field names a space-delimited pattern declares, in order; empty for other kinds. */
    public List<String> fields() {
        return fields;
    }

    /** Debugging only; user-facing text uses {@link #text()}. */
    @Override
    public String toString() {
        return "FilterPattern[" + kind + " " + text + "]";
    }
}
