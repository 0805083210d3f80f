package gatehouse.secrets.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.List;

/**
 * A TOML 1.0 reader for configuration files (gitleaks configs, Gatehouse's own rules): tables, arrays of
 * tables, dotted and quoted keys, the four string forms, integers, floats, booleans, arrays, inline tables
 * (dates are kept as strings). It builds a Jackson tree and reports errors with line and column. Written for
 * start-up time: reading the default rules this way costs a few milliseconds where a general mapper costs
 * hundreds, and every git hook pays that on every commit.
 */
public final class Toml {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final String s;
    private int p;
    private final ObjectNode root = F.objectNode();
    /** Nesting of arrays and inline tables: bounded, so no document can exhaust the stack. */
    private static final int MAX_DEPTH = 128;
    private int depth;
    /** Where each key of each table was written, and where each table's header was: offsets into the text. */
    private final Map<JsonNode, Map<String, Integer>> keyAt = new IdentityHashMap<>();
    private final Map<JsonNode, Integer> tableAt = new IdentityHashMap<>();

    /** A parsed document that can say where its tables and keys were written. */
    public static final class Document {
        private final Toml toml;

        private Document(Toml toml) {
            this.toml = toml;
        }

        public ObjectNode root() {
            return toml.root;
        }

        /**
         * The 1-based line and column of {@code key} in {@code table} (or, without that key, of the table's header),
         * or null when the table was not written in this document.
         */
        public int[] where(JsonNode table, String key) {
            Map<String, Integer> keys = toml.keyAt.get(table);
            Integer at = keys == null || key == null ? null : keys.get(key);
            if (at == null) {
                at = toml.tableAt.get(table);
            }
            return at == null ? null : toml.lineColumn(at);
        }
    }

    /** A syntax error at a 1-based line and column. */
    public static final class TomlException extends RuntimeException {
        public final int line;
        public final int column;

        TomlException(String message, int line, int column) {
            super(message, null, false, false);
            this.line = line;
            this.column = column;
        }
    }

    private Toml(String s) {
        this.s = s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    public static ObjectNode parse(String text) {
        return new Toml(text).document();
    }

    /** Parses and keeps the positions of tables and keys, for messages that point at the offending line. */
    public static Document parseDocument(String text) {
        Toml t = new Toml(text);
        t.document();
        return new Document(t);
    }

    private ObjectNode document() {
        ObjectNode table = root;
        while (true) {
            skipBlankLinesAndComments();
            if (p >= s.length()) {
                return root;
            }
            char c = s.charAt(p);
            if (c == '[') {
                boolean array = p + 1 < s.length() && s.charAt(p + 1) == '[';
                int header = p;
                p += array ? 2 : 1;
                List<String> keys = keyPath();
                expect(array ? "]]" : "]");
                table = array ? appendTable(keys) : openTable(keys);
                tableAt.putIfAbsent(table, header);
                endOfLine();
            } else {
                keyValue(table);
                endOfLine();
            }
        }
    }

    private void keyValue(ObjectNode table) {
        int at = p;
        List<String> keys = keyPath();
        spaces();
        expect("=");
        spaces();
        JsonNode v = value();
        ObjectNode t = table;
        for (int i = 0; i < keys.size() - 1; i++) {
            t = child(t, keys.get(i), at);
        }
        String last = keys.get(keys.size() - 1);
        if (t.has(last)) {
            throw error("duplicate key " + last, at);
        }
        t.set(last, v);
        keyAt.computeIfAbsent(t, x -> new HashMap<>()).put(last, at);
        if (v.isContainerNode()) {
            tableAt.putIfAbsent(v, at);
        }
    }

    private ObjectNode child(ObjectNode t, String key, int at) {
        JsonNode n = t.get(key);
        if (n == null) {
            ObjectNode c = F.objectNode();
            t.set(key, c);
            return c;
        }
        if (n instanceof ObjectNode o) {
            return o;
        }
        if (n instanceof ArrayNode a && !a.isEmpty() && a.get(a.size() - 1) instanceof ObjectNode o) {
            return o;
        }
        throw error("key " + key + " is already a value, not a table", at);
    }

    private ObjectNode openTable(List<String> keys) {
        ObjectNode t = root;
        for (String k : keys) {
            t = child(t, k, p);
        }
        return t;
    }

    private ObjectNode appendTable(List<String> keys) {
        ObjectNode t = root;
        for (int i = 0; i < keys.size() - 1; i++) {
            t = child(t, keys.get(i), p);
        }
        String last = keys.get(keys.size() - 1);
        JsonNode n = t.get(last);
        ArrayNode arr;
        if (n == null) {
            arr = F.arrayNode();
            t.set(last, arr);
        } else if (n instanceof ArrayNode a) {
            arr = a;
        } else {
            throw error("key " + last + " is a table, not an array of tables", p);
        }
        ObjectNode o = F.objectNode();
        arr.add(o);
        return o;
    }

    private List<String> keyPath() {
        List<String> keys = new ArrayList<>();
        while (true) {
            spaces();
            keys.add(key());
            spaces();
            if (p < s.length() && s.charAt(p) == '.') {
                p++;
                continue;
            }
            return keys;
        }
    }

    private String key() {
        if (p >= s.length()) {
            throw error("expected a key", p);
        }
        char c = s.charAt(p);
        if (c == '"') {
            return basicString();
        }
        if (c == '\'') {
            return literalString();
        }
        int start = p;
        while (p < s.length() && (Character.isLetterOrDigit(s.charAt(p)) || s.charAt(p) == '_' || s.charAt(p) == '-')) {
            p++;
        }
        if (p == start) {
            throw error("expected a key, found '" + c + "'", p);
        }
        return s.substring(start, p);
    }

    private JsonNode value() {
        if (p >= s.length()) {
            throw error("expected a value", p);
        }
        char c = s.charAt(p);
        if (s.startsWith("\"\"\"", p)) {
            return F.textNode(multiBasic());
        }
        if (s.startsWith("'''", p)) {
            return F.textNode(multiLiteral());
        }
        if (c == '"') {
            return F.textNode(basicString());
        }
        if (c == '\'') {
            return F.textNode(literalString());
        }
        if (c == '[' || c == '{') {
            if (++depth > MAX_DEPTH) {
                throw error("arrays and inline tables nested more than " + MAX_DEPTH + " deep", p);
            }
            JsonNode v = c == '[' ? array() : inlineTable();
            depth--;
            return v;
        }
        if (s.startsWith("true", p) && !bareChar(p + 4)) {
            p += 4;
            return F.booleanNode(true);
        }
        if (s.startsWith("false", p) && !bareChar(p + 5)) {
            p += 5;
            return F.booleanNode(false);
        }
        return number();
    }

    private boolean bareChar(int i) {
        return i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_');
    }

    private JsonNode number() {
        int start = p;
        while (p < s.length() && "+-0123456789_.eExobabcdefABCDEFinfatTZ:".indexOf(s.charAt(p)) >= 0) {
            p++;
        }
        String raw = s.substring(start, p);
        if (raw.isEmpty()) {
            throw error("expected a value (string, number, boolean, array or table)", start);
        }
        String t = raw.replace("_", "");
        try {
            if (t.matches("[+-]?(0x[0-9a-fA-F]+|0o[0-7]+|0b[01]+)")) {
                int sign = t.startsWith("-") ? -1 : 1;
                String u = t.replaceFirst("^[+-]", "");
                int radix = u.charAt(1) == 'x' ? 16 : u.charAt(1) == 'o' ? 8 : 2;
                return F.numberNode(sign * Long.parseLong(u.substring(2), radix));
            }
            if (t.matches("[+-]?\\d+")) {
                return F.numberNode(Long.parseLong(t));
            }
            if (t.matches("[+-]?(inf|nan)")) {
                return F.numberNode(t.endsWith("nan") ? Double.NaN : t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
            }
            if (t.matches("[+-]?\\d+(\\.\\d+)?([eE][+-]?\\d+)?")) {
                return F.numberNode(Double.parseDouble(t));
            }
        } catch (NumberFormatException e) {
            throw error("bad number " + raw, start);
        }
        if (raw.matches("\\d{4}-\\d{2}-\\d{2}.*|\\d{2}:\\d{2}.*")) {
            return F.textNode(raw); // a date or time: kept as text
        }
        throw error("expected a value, found " + raw, start);
    }

    private ArrayNode array() {
        p++; // [
        ArrayNode a = F.arrayNode();
        while (true) {
            skipWhitespaceCommentsNewlines();
            if (p >= s.length()) {
                throw error("unterminated array", p);
            }
            if (s.charAt(p) == ']') {
                p++;
                return a;
            }
            a.add(value());
            skipWhitespaceCommentsNewlines();
            if (p < s.length() && s.charAt(p) == ',') {
                p++;
            } else if (p < s.length() && s.charAt(p) != ']') {
                throw error("expected ',' or ']' in array", p);
            }
        }
    }

    private ObjectNode inlineTable() {
        p++; // {
        ObjectNode t = F.objectNode();
        spaces();
        if (p < s.length() && s.charAt(p) == '}') {
            p++;
            return t;
        }
        while (true) {
            spaces();
            keyValue(t);
            spaces();
            if (p < s.length() && s.charAt(p) == ',') {
                p++;
            } else if (p < s.length() && s.charAt(p) == '}') {
                p++;
                return t;
            } else {
                throw error("expected ',' or '}' in inline table", p);
            }
        }
    }

    private String basicString() {
        int start = p;
        p++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (p >= s.length() || s.charAt(p) == '\n') {
                throw error("unterminated string", start);
            }
            char c = s.charAt(p++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                escape(sb);
            } else {
                sb.append(c);
            }
        }
    }

    private void escape(StringBuilder sb) {
        if (p >= s.length()) {
            throw error("unterminated escape", p);
        }
        char e = s.charAt(p++);
        switch (e) {
            case 'b' -> sb.append('\b');
            case 't' -> sb.append('\t');
            case 'n' -> sb.append('\n');
            case 'f' -> sb.append('\f');
            case 'r' -> sb.append('\r');
            case 'e' -> sb.append('\u001b');
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case 'u', 'U' -> {
                int n = e == 'u' ? 4 : 8;
                if (p + n > s.length()) {
                    throw error("bad unicode escape", p);
                }
                try {
                    sb.appendCodePoint(Integer.parseInt(s.substring(p, p + n), 16));
                } catch (IllegalArgumentException ex) {
                    throw error("bad unicode escape", p);
                }
                p += n;
            }
            default -> throw error("unknown escape \\" + e + " (in a \"...\" string; use '...' for regexes)", p - 2);
        }
    }

    private String literalString() {
        int start = p;
        p++;
        int end = s.indexOf('\'', p);
        int nl = s.indexOf('\n', p);
        if (end < 0 || (nl >= 0 && nl < end)) {
            throw error("unterminated string", start);
        }
        String v = s.substring(p, end);
        p = end + 1;
        return v;
    }

    private String multiLiteral() {
        int start = p;
        p += 3;
        if (s.startsWith("\r\n", p)) {
            p += 2;
        } else if (p < s.length() && s.charAt(p) == '\n') {
            p++;
        }
        int end = s.indexOf("'''", p);
        if (end < 0) {
            throw error("unterminated ''' string", start);
        }
        while (end + 3 < s.length() && s.charAt(end + 3) == '\'') {
            end++; // up to two quotes may end the content
        }
        String v = s.substring(p, end);
        p = end + 3;
        return v;
    }

    private String multiBasic() {
        int start = p;
        p += 3;
        if (s.startsWith("\r\n", p)) {
            p += 2;
        } else if (p < s.length() && s.charAt(p) == '\n') {
            p++;
        }
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (p >= s.length()) {
                throw error("unterminated \"\"\" string", start);
            }
            if (s.startsWith("\"\"\"", p)) {
                int q = p + 3;
                while (q < s.length() && s.charAt(q) == '"' && q - p < 5) {
                    sb.append('"');
                    q++;
                }
                p = q;
                return sb.toString();
            }
            char c = s.charAt(p++);
            if (c == '\\') {
                int q = p;
                while (q < s.length() && (s.charAt(q) == ' ' || s.charAt(q) == '\t')) {
                    q++;
                }
                if (q < s.length() && (s.charAt(q) == '\n' || s.charAt(q) == '\r')) {
                    p = q;
                    while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
                        p++;
                    }
                } else {
                    escape(sb);
                }
            } else {
                sb.append(c);
            }
        }
    }

    private void spaces() {
        while (p < s.length() && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
            p++;
        }
    }

    private void skipBlankLinesAndComments() {
        while (p < s.length()) {
            char c = s.charAt(p);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                p++;
            } else if (c == '#') {
                while (p < s.length() && s.charAt(p) != '\n') {
                    p++;
                }
            } else {
                return;
            }
        }
    }

    private void skipWhitespaceCommentsNewlines() {
        skipBlankLinesAndComments();
    }

    private void endOfLine() {
        spaces();
        if (p < s.length() && s.charAt(p) == '#') {
            while (p < s.length() && s.charAt(p) != '\n') {
                p++;
            }
        }
        if (p < s.length() && s.charAt(p) == '\r') {
            p++;
        }
        if (p < s.length() && s.charAt(p) != '\n') {
            throw error("expected the end of the line, found '" + s.charAt(p) + "'", p);
        }
    }

    private void expect(String t) {
        if (!s.startsWith(t, p)) {
            throw error("expected '" + t + "'", p);
        }
        p += t.length();
    }

    private TomlException error(String message, int at) {
        int[] lc = lineColumn(at);
        return new TomlException(message, lc[0], lc[1]);
    }

    /** Where each line begins, built on the first lookup: the config loader asks for every key's place. */
    private gatehouse.core.LineStarts lines;

    private int[] lineColumn(int at) {
        if (lines == null) {
            lines = gatehouse.core.LineStarts.of(s);
        }
        return new int[] {lines.line(at), lines.column(at)};
    }
}
