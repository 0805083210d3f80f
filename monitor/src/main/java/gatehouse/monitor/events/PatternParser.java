package gatehouse.monitor.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.core.net.Cidr;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads an event pattern token by token (so every error has the line and column of the offending token) and
 * compiles it. Follows EventBridge's validation: values are arrays or objects, no empty arrays or objects, one key
 * per match expression, numeric ranges within ±5.0e9 with at most 6 decimals, anything-but lists of one type,
 * wildcard escapes, {@code $or} with at least two objects and no operator names as fields inside them.
 */
final class PatternParser {
    static final String CODE = "event_pattern_error";
    static final Set<String> OPERATORS = Set.of("prefix", "suffix", "anything-but", "numeric", "cidr", "exists",
            "equals-ignore-case", "wildcard");
    private static final String OPERATOR_LIST =
            "prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, cidr, exists";
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private static final String JSON_HINT = "an event pattern is a JSON object, e.g. {\"source\": [\"aws.s3\"]}";

    private final String file;
    private final String text;
    private JsonParser p;

    PatternParser(String file, String text) {
        this.file = file;
        this.text = text;
    }

    ObjectMatcher parse() {
        if (text.length() > EventPattern.MAX_LENGTH) {
            throw fail(1, 1, "event pattern is " + text.length() + " characters long; EventBridge allows at most "
                    + EventPattern.MAX_LENGTH, "split it into several rules, or move alternatives into fewer, broader values");
        }
        try (JsonParser parser = FACTORY.createParser(text)) {
            p = parser;
            if (next() != JsonToken.START_OBJECT) {
                throw fail("an event pattern must be a JSON object", "for example {\"source\": [\"aws.s3\"]}");
            }
            ObjectMatcher root = object(false);
            if (next() != null) {
                throw fail("unexpected content after the event pattern", "a pattern is exactly one JSON object");
            }
            return root;
        } catch (IOException e) {
            throw fail("cannot read the event pattern: " + e.getMessage(), JSON_HINT);
        }
    }

    private ObjectMatcher object(boolean inOr) {
        JsonLocation start = p.currentTokenLocation();
        List<ObjectMatcher.Field> fields = new ArrayList<>();
        List<List<ObjectMatcher>> ors = new ArrayList<>();
        int count = 0;
        JsonToken t;
        while ((t = next()) != JsonToken.END_OBJECT) {
            String name = currentName();
            count++;
            if (name.equals("$or")) {
                ors.add(orBranches());
                continue;
            }
            if (inOr && OPERATORS.contains(name)) {
                throw fail("\"" + name + "\" is a matching operator and cannot be used as a field name inside $or",
                        "operators go inside a value array: \"field\": [{\"" + name + "\": …}]");
            }
            t = next();
            if (t == JsonToken.START_OBJECT) {
                fields.add(new ObjectMatcher.Nested(name, object(inOr)));
            } else if (t == JsonToken.START_ARRAY) {
                fields.add(leaf(name));
            } else {
                throw fail("\"" + name + "\" must be an object or an array",
                        "match values are always in an array: \"" + name + "\": [" + tokenText() + "]");
            }
        }
        if (count == 0) {
            throw fail(start, "empty objects are not allowed in an event pattern", "remove the empty object or give it a field");
        }
        return new ObjectMatcher(fields, ors);
    }

    private List<ObjectMatcher> orBranches() {
        if (next() != JsonToken.START_ARRAY) {
            throw fail("$or must be followed by an array of at least two objects",
                    "\"$or\": [{\"a\": [\"x\"]}, {\"b\": [\"y\"]}]");
        }
        JsonLocation start = p.currentTokenLocation();
        List<ObjectMatcher> branches = new ArrayList<>();
        JsonToken t;
        while ((t = next()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                throw fail("only JSON objects are allowed in a $or array", "each alternative is an object of fields");
            }
            branches.add(object(true));
        }
        if (branches.size() < 2) {
            throw fail(start, "a $or array needs at least two objects", "with one alternative, drop the $or and keep its fields");
        }
        return branches;
    }

    private ObjectMatcher.Field leaf(String name) {
        JsonLocation start = p.currentTokenLocation();
        Set<String> strings = new LinkedHashSet<>();
        List<ValueMatcher> others = new ArrayList<>();
        boolean existsTrue = false;
        boolean existsFalse = false;
        int n = 0;
        JsonToken t;
        while ((t = next()) != JsonToken.END_ARRAY) {
            n++;
            switch (t) {
                case VALUE_STRING -> strings.add(tokenText());
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> others.add(new ValueMatcher.ExactNumber(decimal()));
                case VALUE_TRUE -> others.add(new ValueMatcher.ExactLiteral(BooleanNode.TRUE));
                case VALUE_FALSE -> others.add(new ValueMatcher.ExactLiteral(BooleanNode.FALSE));
                case VALUE_NULL -> others.add(new ValueMatcher.ExactLiteral(NullNode.instance));
                case START_OBJECT -> {
                    Object op = operator();
                    if (op == Boolean.TRUE) {
                        existsTrue = true;
                    } else if (op == Boolean.FALSE) {
                        existsFalse = true;
                    } else {
                        others.add((ValueMatcher) op);
                    }
                }
                default -> throw fail("match values must be strings, numbers, true, false, null or operator objects",
                        "arrays do not nest in a pattern; list the alternatives in one array");
            }
        }
        if (n == 0) {
            throw fail(start, "empty arrays are not allowed in an event pattern",
                    "to match an empty string use [\"\"]; to match a missing field use [{\"exists\": false}]");
        }
        return new ObjectMatcher.Leaf(name, Set.copyOf(strings), others, existsTrue, existsFalse);
    }

    /** Parses one match expression object; returns a {@link ValueMatcher}, or a Boolean for {@code exists}. */
    private Object operator() {
        if (next() == JsonToken.END_OBJECT) {
            throw fail("empty match expression", "an operator object has exactly one key: " + OPERATOR_LIST);
        }
        String op = currentName();
        JsonLocation opAt = p.currentTokenLocation();
        Object result = switch (op) {
            case "prefix" -> {
                String v = stringOrIgnoreCase(op);
                yield new ValueMatcher.Prefix(v, ignoreCase ? new IgnoreCase(v) : null);
            }
            case "suffix" -> {
                String v = stringOrIgnoreCase(op);
                yield new ValueMatcher.Suffix(v, ignoreCase ? new IgnoreCase(v) : null);
            }
            case "equals-ignore-case" -> new ValueMatcher.EqualsIgnoreCase(new IgnoreCase(string(op)));
            case "wildcard" -> new ValueMatcher.WildcardMatch(wildcard(string(op)));
            case "cidr" -> new ValueMatcher.CidrMatch(cidr(string(op)));
            case "exists" -> {
                JsonToken t = next();
                if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                    throw fail("exists match pattern must be either true or false", "[{\"exists\": true}] or [{\"exists\": false}]");
                }
                yield t == JsonToken.VALUE_TRUE;
            }
            case "numeric" -> numeric();
            case "anything-but" -> anythingBut();
            default -> throw fail(opAt, "unrecognized match type \"" + op + "\"", "supported operators: " + OPERATOR_LIST);
        };
        if (next() != JsonToken.END_OBJECT) {
            throw fail("only one key is allowed in a match expression", "use separate objects in the value array: [{…}, {…}]");
        }
        return result;
    }

    private boolean ignoreCase;

    /** A string, or for prefix/suffix {@code {"equals-ignore-case": "…"}}; sets {@link #ignoreCase}. */
    private String stringOrIgnoreCase(String op) {
        JsonToken t = next();
        ignoreCase = false;
        if (t == JsonToken.VALUE_STRING) {
            return tokenText();
        }
        if (t == JsonToken.START_OBJECT) {
            if (next() != JsonToken.FIELD_NAME || !currentName().equals("equals-ignore-case")) {
                throw fail("unsupported " + op + " pattern", "use {\"" + op + "\": \"…\"} or {\"" + op
                        + "\": {\"equals-ignore-case\": \"…\"}}");
            }
            String v = string("equals-ignore-case");
            if (next() != JsonToken.END_OBJECT) {
                throw fail("only one key is allowed in a match expression", "use separate objects in the value array: [{…}, {…}]");
            }
            ignoreCase = true;
            return v;
        }
        throw fail(op + " match pattern must be a string", "{\"" + op + "\": \"…\"}");
    }

    private String string(String op) {
        if (next() != JsonToken.VALUE_STRING) {
            throw fail(op + " match pattern must be a string", "{\"" + op + "\": \"…\"}");
        }
        return tokenText();
    }

    private Wildcard wildcard(String value) {
        try {
            return Wildcard.compile(value);
        } catch (Wildcard.SyntaxError e) {
            JsonLocation at = p.currentTokenLocation();
            int col = (int) at.getColumnNr();
            // point into the string when it is on one line and has no escapes before the offset
            if (!text.isEmpty() && col > 0) {
                col += 1 + e.offset;
            }
            throw fail((int) at.getLineNr(), col, e.getMessage(),
                    "use a single * for any run of characters; \\* is a literal asterisk, \\\\ a literal backslash");
        }
    }

    private Cidr cidr(String value) {
        if (value.indexOf('/') < 0 || !value.strip().equals(value)) {
            throw fail("malformed CIDR \"" + value + "\": expected address/prefix-length", "for example \"10.0.0.0/24\" or \"2001:db8::/32\"");
        }
        return Cidr.parse(value).orElseThrow(() -> fail("malformed CIDR \"" + value + "\"",
                "for example \"10.0.0.0/24\" or \"2001:db8::/32\"; the prefix length is at most 32 (IPv4) or 128 (IPv6)"));
    }

    private ValueMatcher numeric() {
        if (next() != JsonToken.START_ARRAY) {
            throw fail("value of numeric must be an array", "{\"numeric\": [\">\", 0, \"<=\", 5]}");
        }
        JsonLocation start = p.currentTokenLocation();
        if (next() != JsonToken.VALUE_STRING) {
            throw fail("invalid member in numeric match: expected an operator (=, <, <=, >, >=)", "{\"numeric\": [\">=\", 10]}");
        }
        String op = tokenText();
        switch (op) {
            case "=" -> {
                BigDecimal v = numericValue(op);
                endNumeric();
                return new ValueMatcher.NumericRange(v, false, v, false);
            }
            case "<", "<=" -> {
                BigDecimal v = numericValue(op);
                endNumeric();
                return new ValueMatcher.NumericRange(null, false, v, op.equals("<"));
            }
            case ">", ">=" -> {
                BigDecimal low = numericValue(op);
                JsonToken t = next();
                if (t == JsonToken.END_ARRAY) {
                    return new ValueMatcher.NumericRange(low, op.equals(">"), null, false);
                }
                if (t != JsonToken.VALUE_STRING || !(tokenText().equals("<") || tokenText().equals("<="))) {
                    throw fail("bad numeric range operator: " + tokenText(), "a range is [\">\" or \">=\", low, \"<\" or \"<=\", high]");
                }
                String op2 = tokenText();
                BigDecimal high = numericValue(op2);
                endNumeric();
                if (low.compareTo(high) >= 0) {
                    throw fail(start, "bottom must be less than top in a numeric range",
                            "the lower bound comes first: [\">\", 0, \"<=\", 5]; for one value use [\"=\", 5]");
                }
                return new ValueMatcher.NumericRange(low, op.equals(">"), high, op2.equals("<"));
            }
            default -> throw fail("unrecognized numeric range operator: " + op, "operators are =, <, <=, >, >=");
        }
    }

    private void endNumeric() {
        if (next() != JsonToken.END_ARRAY) {
            throw fail("too many elements in numeric expression", "a range is [\">\", low, \"<=\", high]; a bound alone is [\"<\", high]");
        }
    }

    private BigDecimal numericValue(String op) {
        JsonToken t = next();
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw fail("value of " + op + " must be numeric", "write the number without quotes");
        }
        return checkedNumber();
    }

    /** A number in numeric matching's domain: within ±5.0e9 and at most six decimals, as EventBridge requires. */
    private BigDecimal checkedNumber() {
        BigDecimal v = decimal();
        if (!Numbers.inRange(v)) {
            throw fail("value must be between -5.0E9 and 5.0E9, inclusive", "numeric matching is limited to ±5,000,000,000");
        }
        if (!Numbers.withinPrecision(v)) {
            throw fail("only values with up to 6 decimal places are supported", "round the value to 6 decimals");
        }
        return v;
    }

    private BigDecimal decimal() {
        try {
            return p.getDecimalValue();
        } catch (IOException e) {
            throw fail("invalid number: " + e.getMessage(), "write a plain JSON number");
        }
    }

    private ValueMatcher anythingBut() {
        JsonToken t = next();
        switch (t) {
            case VALUE_STRING:
                return new ValueMatcher.AnythingBut(List.of(new ValueMatcher.ExactString(tokenText())));
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new ValueMatcher.AnythingBut(List.of(new ValueMatcher.ExactNumber(checkedNumber())));
            case START_ARRAY:
                return anythingButList();
            case START_OBJECT:
                break;
            default:
                throw fail("value of anything-but must be an array or a single string or number",
                        "for example {\"anything-but\": [\"stopped\", \"overloaded\"]}");
        }
        if (next() != JsonToken.FIELD_NAME) {
            throw fail("anything-but expression name not found", "{\"anything-but\": {\"prefix\": \"init\"}}");
        }
        String sub = currentName();
        JsonLocation subAt = p.currentTokenLocation();
        List<ValueMatcher> excluded = new ArrayList<>();
        switch (sub) {
            case "prefix", "suffix" -> {
                String v = string(sub);
                if (v.isEmpty()) {
                    throw fail("an empty " + sub + " is not allowed in anything-but", "it would exclude every string");
                }
                excluded.add(sub.equals("prefix") ? new ValueMatcher.Prefix(v, null) : new ValueMatcher.Suffix(v, null));
            }
            case "equals-ignore-case" -> {
                for (String v : stringOrStrings(sub)) {
                    excluded.add(new ValueMatcher.EqualsIgnoreCase(new IgnoreCase(v)));
                }
            }
            case "wildcard" -> {
                for (String v : stringOrStrings(sub)) {
                    excluded.add(new ValueMatcher.WildcardMatch(wildcard(v)));
                }
            }
            default -> throw fail(subAt, "unsupported anything-but pattern: " + sub,
                    "anything-but takes a value, a list, or {prefix|suffix|equals-ignore-case|wildcard: …}");
        }
        if (next() != JsonToken.END_OBJECT) {
            throw fail("only one key is allowed in a match expression", "use separate objects in the value array: [{…}, {…}]");
        }
        return new ValueMatcher.AnythingBut(excluded);
    }

    private List<String> stringOrStrings(String op) {
        JsonToken t = next();
        if (t == JsonToken.VALUE_STRING) {
            return List.of(tokenText());
        }
        if (t != JsonToken.START_ARRAY) {
            throw fail("anything-but " + op + " must be a string or a list of strings", "{\"anything-but\": {\"" + op + "\": [\"a\", \"b\"]}}");
        }
        JsonLocation start = p.currentTokenLocation();
        List<String> out = new ArrayList<>();
        while ((t = next()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_STRING) {
                throw fail("inside anything-but/" + op + " list, only strings are supported", "quote the values; " + op + " compares strings only");
            }
            out.add(tokenText());
        }
        if (out.isEmpty()) {
            throw fail(start, "empty arrays are not allowed in an event pattern", "list at least one value");
        }
        return out;
    }

    private ValueMatcher anythingButList() {
        JsonLocation start = p.currentTokenLocation();
        List<ValueMatcher> excluded = new ArrayList<>();
        boolean strings = false;
        boolean numbers = false;
        JsonToken t;
        while ((t = next()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_STRING) {
                strings = true;
                excluded.add(new ValueMatcher.ExactString(tokenText()));
            } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                numbers = true;
                excluded.add(new ValueMatcher.ExactNumber(checkedNumber()));
            } else {
                throw fail("inside an anything-but list, objects, arrays, null and booleans are not supported",
                        "list strings only or numbers only");
            }
            if (strings && numbers) {
                throw fail("inside an anything-but list, either all values are numbers or all are strings; mixed types are not supported",
                        "split it: anything-but matches one type of value");
            }
        }
        if (excluded.isEmpty()) {
            throw fail(start, "empty arrays are not allowed in an event pattern", "list at least one value");
        }
        return new ValueMatcher.AnythingBut(excluded);
    }

    private JsonToken next() {
        try {
            return p.nextToken();
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation() != null ? e.getLocation() : p.currentLocation();
            String msg = e.getOriginalMessage();
            int nl = msg.indexOf('\n');
            throw fail((int) at.getLineNr(), (int) at.getColumnNr(), "invalid JSON: " + (nl < 0 ? msg : msg.substring(0, nl)).strip(),
                    JSON_HINT);
        } catch (IOException e) {
            throw fail("cannot read the event pattern: " + e.getMessage(), JSON_HINT);
        }
    }

    private String tokenText() {
        try {
            return p.getText();
        } catch (IOException e) {
            throw fail("cannot read the event pattern: " + e.getMessage(), JSON_HINT);
        }
    }

    private String currentName() {
        try {
            return p.currentName();
        } catch (IOException e) {
            throw fail("cannot read the event pattern: " + e.getMessage(), JSON_HINT);
        }
    }

    private InputException fail(String message, String hint) {
        return fail(p == null ? null : p.currentTokenLocation(), message, hint);
    }

    private InputException fail(JsonLocation at, String message, String hint) {
        int line = at == null ? 1 : (int) at.getLineNr();
        int col = at == null ? 1 : (int) at.getColumnNr();
        return fail(line, col, message, hint);
    }

    private InputException fail(int line, int col, String message, String hint) {
        line = Math.max(1, line);
        col = Math.max(1, col);
        Diagnostic d = Diagnostic.of(CODE, SourceSpan.at(file, line, col), message, hint);
        String[] lines = text.split("\n", -1);
        if (line <= lines.length) {
            d = d.withSourceLine(lines[line - 1]);
        }
        return new InputException(d);
    }
}
