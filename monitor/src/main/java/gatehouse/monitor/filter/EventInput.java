package gatehouse.monitor.filter;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * Reads log events from a file or stream for testing patterns ({@code gatehouse monitor test-pattern}), in the
 * shapes CloudTrail and log tooling produce, detected from the content: a CloudTrail log file
 * ({@code {"Records":[...]}}), a JSON array of events, JSON objects one after another (JSON lines or
 * pretty-printed), or plain text lines. Gzip is recognised by its magic bytes. Records are streamed one at a time,
 * so memory does not grow with the file.
 */
public final class EventInput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventInput() {}

    /** The shape an input turned out to have. */
    public enum Format { CLOUDTRAIL, JSON_ARRAY, JSON_OBJECTS, TEXT }

    /**
     * One event and where it was.
     *
     * @param index 1-based position of the event in the input
     * @param line 1-based line where the event starts
     * @param event the event
     */
    public record Numbered(long index, int line, Event event) {}

    /** Receives events in input order. */
    @FunctionalInterface
    public interface Sink {
        void accept(Numbered event) throws IOException;
    }

    /**
     * Reads every event of {@code in}, handing each to {@code sink}.
     *
     * @param name the input's name for diagnostics ({@code path} or {@code <stdin>})
     * @return the detected format
     * @throws InputException on malformed JSON or a corrupt gzip stream, with {@code name:line:col}
     * @throws IOException when reading fails
     */
    public static Format read(InputStream in, String name, Sink sink) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in, 1 << 16);
        b.mark(2);
        int m1 = b.read();
        int m2 = b.read();
        b.reset();
        InputStream s = b;
        if (m1 == 0x1f && m2 == 0x8b) {
            try {
                s = new BufferedInputStream(new GZIPInputStream(b, 1 << 16), 1 << 16);
            } catch (java.util.zip.ZipException e) {
                throw corrupt(name, e);
            }
        }
        try {
            s.mark(1 << 16);
            int first = nextNonBlank(s);
            int second = first == '[' ? nextNonBlank(s) : -1;
            s.reset();
            if (first == '{') {
                return objects(s, name, sink);
            }
            if (first == '[' && (second == '{' || second == '"' || second == ']')) {
                return array(s, name, sink);
            }
            return text(s, sink);
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw corrupt(name, e);
        }
    }

    private static InputException corrupt(String name, IOException e) {
        return new InputException(Diagnostic.of("input_io_error", SourceSpan.at(name, 1, 1),
                "corrupt gzip data: " + e.getMessage(), "check that the file was copied whole (gzip -t FILE)"));
    }

    private static int nextNonBlank(InputStream s) throws IOException {
        int c;
        do {
            c = s.read();
        } while (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xEF || c == 0xBB || c == 0xBF); // BOM bytes too
        return c;
    }

    private static Format objects(InputStream s, String name, Sink sink) throws IOException {
        Format format = Format.JSON_OBJECTS;
        long index = 0;
        try (JsonParser p = JSON.getFactory().createParser(s)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t != JsonToken.START_OBJECT) {
                    throw jsonError(name, p, "expected a JSON object (an event) but found " + t.asString(), null);
                }
                int line = p.currentTokenLocation().getLineNr();
                ObjectNode root = JSON.createObjectNode();
                JsonToken f = p.nextToken();
                if (f == JsonToken.FIELD_NAME && p.currentName().equals("Records")) {
                    if (p.nextToken() == JsonToken.START_ARRAY) {
                        format = Format.CLOUDTRAIL;
                        JsonToken r;
                        while ((r = p.nextToken()) == JsonToken.START_OBJECT) {
                            int l = p.currentTokenLocation().getLineNr();
                            sink.accept(new Numbered(++index, l, Event.ofJson(p.readValueAsTree())));
                        }
                        if (r != JsonToken.END_ARRAY) {
                            throw jsonError(name, p, "expected a CloudTrail record (a JSON object) in Records", null);
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) { // the rest of the log file object
                            p.nextToken();
                            p.skipChildren();
                        }
                        continue;
                    }
                    root.set("Records", (JsonNode) p.readValueAsTree());
                    f = p.nextToken();
                }
                while (f == JsonToken.FIELD_NAME) {
                    String n = p.currentName();
                    p.nextToken();
                    root.set(n, (JsonNode) p.readValueAsTree());
                    f = p.nextToken();
                }
                sink.accept(new Numbered(++index, line, Event.ofJson(root)));
            }
        } catch (JsonProcessingException e) {
            throw jsonError(name, e);
        }
        return format;
    }

    private static Format array(InputStream s, String name, Sink sink) throws IOException {
        long index = 0;
        try (JsonParser p = JSON.getFactory().createParser(s)) {
            p.nextToken(); // '['
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                int line = p.currentTokenLocation().getLineNr();
                if (t == JsonToken.START_OBJECT) {
                    sink.accept(new Numbered(++index, line, Event.ofJson(p.readValueAsTree())));
                } else if (t == JsonToken.VALUE_STRING) {
                    sink.accept(new Numbered(++index, line, Event.of(p.getText())));
                } else {
                    throw jsonError(name, p, "expected an event (a JSON object or a string) in the array", null);
                }
            }
            if (p.nextToken() != null) {
                throw jsonError(name, p, "unexpected content after the JSON array", null);
            }
        } catch (JsonProcessingException e) {
            throw jsonError(name, e);
        }
        return Format.JSON_ARRAY;
    }

    private static Format text(InputStream s, Sink sink) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(s, StandardCharsets.UTF_8), 1 << 16);
        long index = 0;
        int line = 0;
        String l;
        while ((l = r.readLine()) != null) {
            line++;
            if (!l.isBlank()) { // CloudWatch Logs has no empty events
                sink.accept(new Numbered(++index, line, Event.of(l)));
            }
        }
        return Format.TEXT;
    }

    private static InputException jsonError(String name, JsonParser p, String message, Throwable cause) {
        var loc = p.currentTokenLocation();
        return new InputException(java.util.List.of(Diagnostic.of("input_json_error",
                SourceSpan.at(name, Math.max(1, loc.getLineNr()), Math.max(1, loc.getColumnNr())), message,
                "give a CloudTrail log file {\"Records\": [...]}, a JSON array of events, JSON lines, or text lines")), cause);
    }

    private static InputException jsonError(String name, JsonProcessingException e) {
        var loc = e.getLocation();
        int line = loc == null ? 1 : Math.max(1, loc.getLineNr());
        int col = loc == null ? 1 : Math.max(1, loc.getColumnNr());
        String msg = e.getOriginalMessage().lines().findFirst().orElse("malformed JSON");
        return new InputException(java.util.List.of(Diagnostic.of("input_json_error", SourceSpan.at(name, line, col),
                "malformed JSON: " + msg, "fix the JSON at that place, or pass the events as plain text lines")), e);
    }
}
