package gatehouse.monitor.events;

import com.fasterxml.jackson.databind.JsonNode;
import gatehouse.core.InputException;
import java.util.Objects;

/**
 * An Amazon EventBridge event pattern, parsed, validated and compiled once, then matched against any number of
 * events. Gatehouse's event rules use EventBridge's syntax so that a rule written for {@code gatehouse monitor} can
 * be deployed to EventBridge unchanged, and the other way round.
 *
 * <p>Supported: exact strings, numbers (compared numerically, never through a double), booleans and null;
 * {@code prefix}, {@code suffix} (each also with {@code equals-ignore-case}), {@code equals-ignore-case},
 * {@code wildcard}, {@code anything-but} (value, list, prefix, suffix, equals-ignore-case, wildcard),
 * {@code numeric}, {@code cidr} (IPv4 and IPv6), {@code exists}, {@code $or} at any level, nested objects, and arrays in
 * events (a field matches when any element does, with EventBridge's array consistency). See
 * {@code docs/event-patterns.md} for the details and the few places where Gatehouse decides.
 *
 * <p>Immutable and thread-safe; {@link #matches} allocates nothing for string-only patterns.
 */
public final class EventPattern {
    /** EventBridge's maximum length of an event pattern (PutRule's {@code EventPattern}), in characters. */
    public static final int MAX_LENGTH = 4096;

    private final String source;
    private final ObjectMatcher root;

    private EventPattern(String source, ObjectMatcher root) {
        this.source = source;
        this.root = root;
    }

    /**
     * Parses a pattern; errors name the file {@code pattern}.
     *
     * @throws InputException with one {@code pattern:LINE:COL: error: …} diagnostic and a hint when the text is not
     *     a valid EventBridge pattern
     */
    public static EventPattern parse(String json) {
        return parse("pattern", json);
    }

    /**
     * Parses a pattern read from {@code file} (used only in diagnostics).
     *
     * @throws InputException with one {@code file:LINE:COL: error: …} diagnostic and a hint
     */
    public static EventPattern parse(String file, String json) {
        Objects.requireNonNull(json, "json");
        return new EventPattern(json, new PatternParser(Objects.requireNonNull(file, "file"), json).parse());
    }

    /** True when {@code event} (a JSON object) matches; a null or non-object event never matches. */
    public boolean matches(JsonNode event) {
        return event != null && event.isObject() && root.matches(event);
    }

    /** The pattern text as given. */
    public String source() {
        return source;
    }

    ObjectMatcher root() {
        return root;
    }

    @Override
    public String toString() {
        return "EventPattern" + source;
    }
}
