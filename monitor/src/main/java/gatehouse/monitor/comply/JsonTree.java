package gatehouse.monitor.comply;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.core.doc.BoolValue;
import gatehouse.core.doc.FloatValue;
import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.NullValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON text to the document model, every value remembering its line and column (column 0-based as
 * {@link Position} says). Errors are {@link InputException}s at {@code file:line:col} with a hint. Nesting is
 * bounded so that no input can overflow the stack.
 */
final class JsonTree {
    static final int MAX_DEPTH = 200;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build()).build();

    private JsonTree() {}

    /**
     * Parses one JSON document.
     *
     * @param file  the name shown in errors and kept for reports
     * @param text  the JSON text
     * @param lineOffset added to every line (for JSON embedded in a string value: the string's own line - 1)
     */
    static Value parse(String file, String text, int lineOffset, String hint) {
        try (JsonParser p = FACTORY.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new InputException(Diagnostic.of("input_json_error", SourceSpan.at(file, 1 + lineOffset, 1),
                        "empty document", hint));
            }
            Value v = read(p, "");
            JsonToken extra = p.nextToken();
            if (extra != null) {
                JsonLocation l = p.currentTokenLocation();
                throw new InputException(Diagnostic.of("input_json_error", SourceSpan.at(file, l.getLineNr() + lineOffset,
                        Math.max(1, l.getColumnNr())), "unexpected content after the JSON document", hint));
            }
            return v;
        } catch (JsonParseException e) {
            JsonLocation l = e.getLocation();
            String msg = e.getOriginalMessage();
            msg = msg.replaceAll("\\s*\\(start marker at \\[Source: .*?; line: (\\d+), column: (\\d+)\\]\\)",
                    " (opened at line $1, column $2)");
            int cut = msg.indexOf('\n');
            throw new InputException(Diagnostic.of("input_json_error",
                    SourceSpan.at(file, Math.max(1, l == null ? 1 : l.getLineNr()) + lineOffset, Math.max(1, l == null ? 1 : l.getColumnNr())),
                    "invalid JSON: " + (cut > 0 ? msg.substring(0, cut) : msg), hint));
        } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
            throw new InputException(Diagnostic.of("input_json_error", SourceSpan.at(file, 1 + lineOffset, 1),
                    "the document is nested deeper than " + MAX_DEPTH + " levels", hint));
        } catch (IOException e) {
            throw new InputException(Diagnostic.of("input_io_error", SourceSpan.at(file, 1, 1), "cannot read: " + e.getMessage(), null));
        }
    }

    private static Value read(JsonParser p, String path) throws IOException {
        JsonLocation l = p.currentTokenLocation();
        Position pos = new Position(Math.max(0, l.getLineNr()), Math.max(0, l.getColumnNr() - 1));
        return switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Value> m = new LinkedHashMap<>();
                Map<String, Position> keys = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String k = p.currentName();
                    JsonLocation kl = p.currentTokenLocation();
                    keys.put(k, new Position(Math.max(0, kl.getLineNr()), Math.max(0, kl.getColumnNr() - 1)));
                    p.nextToken();
                    m.put(k, read(p, Value.childPath(path, k)));
                }
                yield new MapValue(path, pos, m, keys);
            }
            case START_ARRAY -> {
                List<Value> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(p, Value.childPath(path, list.size())));
                }
                yield new ListValue(path, pos, list);
            }
            case VALUE_STRING -> new StringValue(path, pos, p.getText());
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    ? new FloatValue(path, pos, p.getDoubleValue()) : new IntValue(path, pos, p.getLongValue());
            case VALUE_NUMBER_FLOAT -> new FloatValue(path, pos, p.getDoubleValue());
            case VALUE_TRUE -> new BoolValue(path, pos, true);
            case VALUE_FALSE -> new BoolValue(path, pos, false);
            case VALUE_NULL -> new NullValue(path, pos);
            default -> throw new JsonParseException(p, "unexpected token " + p.currentToken());
        };
    }

    /** The same value with data paths rooted at {@code path}; positions kept (they still point into the file). */
    static Value relocate(Value v, String path) {
        return switch (v) {
            case MapValue m -> {
                Map<String, Value> e = new LinkedHashMap<>();
                Map<String, Position> keys = new LinkedHashMap<>();
                m.entries().forEach((k, x) -> {
                    e.put(k, relocate(x, Value.childPath(path, k)));
                    keys.put(k, m.keyPosition(k));
                });
                yield new MapValue(path, m.position(), e, keys);
            }
            case ListValue l -> {
                List<Value> out = new ArrayList<>();
                for (Value x : l.elements()) {
                    out.add(relocate(x, Value.childPath(path, out.size())));
                }
                yield new ListValue(path, l.position(), out);
            }
            case StringValue s -> new StringValue(path, s.position(), s.value());
            case IntValue i -> new IntValue(path, i.position(), i.value());
            case FloatValue f -> new FloatValue(path, f.position(), f.value());
            case BoolValue b -> new BoolValue(path, b.position(), b.value());
            case NullValue n -> new NullValue(path, n.position());
            case Value.Extension x -> x;
        };
    }

    /** A string or number as text; null for anything else. */
    static String text(Value v) {
        return switch (v) {
            case StringValue s -> s.value();
            case IntValue i -> Long.toString(i.value());
            case FloatValue f -> Double.toString(f.value());
            case BoolValue b -> Boolean.toString(b.value());
            case null, default -> null;
        };
    }
}
