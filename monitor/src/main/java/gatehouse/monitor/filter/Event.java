package gatehouse.monitor.filter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;

/**
 * One log event: its message text and, when the message is a JSON object, its parsed tree. Either form is made
 * from the other on first use and kept, so a JSON event is parsed once however many patterns test it (CloudTrail
 * records arrive as trees and are serialised only if a term or space-delimited pattern asks for the text).
 *
 * <p>Not thread-safe (the lazy fields are filled without synchronisation): share {@link FilterPattern}s between
 * threads, not events.
 */
public final class Event {
    private static final ObjectMapper JSON = new ObjectMapper();

    private String text;
    private JsonNode json;
    private boolean jsonDone;

    private Event(String text, JsonNode json, boolean jsonDone) {
        this.text = text;
        this.json = json;
        this.jsonDone = jsonDone;
    }

    /** An event from its message text; JSON patterns see it only if the text is a JSON object. */
    public static Event of(String text) {
        return new Event(Objects.requireNonNull(text, "text"), null, false);
    }

    /**
     * An event that is already a JSON tree (a CloudTrail record). Its text, for term and space-delimited patterns,
     * is the compact JSON serialisation, as CloudTrail delivers records to CloudWatch Logs.
     */
    public static Event ofJson(JsonNode json) {
        Objects.requireNonNull(json, "json");
        return json.isObject() ? new Event(null, json, true) : new Event(json.toString(), null, true);
    }

    /** The message text (serialised on first call for events made from a tree). */
    public String text() {
        if (text == null) {
            text = json.toString();
        }
        return text;
    }

    /**
     * The message as a JSON object, or {@code null} when the message is not a JSON object (JSON patterns never
     * match such events). Parsed on first call and kept.
     */
    public JsonNode json() {
        if (!jsonDone) {
            jsonDone = true;
            json = parseObject(text);
        }
        return json;
    }

    private static JsonNode parseObject(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i == text.length() || text.charAt(i) != '{') {
            return null; // cheap reject: only objects can match a JSON pattern
        }
        try {
            JsonNode n = JSON.readTree(text);
            return n != null && n.isObject() ? n : null;
        } catch (JsonProcessingException e) {
            return null; // not JSON: JSON patterns do not match it, as in CloudWatch Logs
        }
    }
}
