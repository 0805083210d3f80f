package gatehouse.guard.eval.internal;

import gatehouse.core.doc.BoolValue;
import gatehouse.core.doc.FloatValue;
import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.NullValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.core.net.Cidr;
import gatehouse.guard.ast.CharValue;
import gatehouse.guard.ast.FileLocation;
import gatehouse.guard.ast.LetValue;
import gatehouse.guard.eval.GuardEvaluationException;
import gatehouse.guard.eval.internal.Engine.Resolved;
import gatehouse.guard.eval.internal.Engine.Result;
import gatehouse.guard.regex.GuardRegex;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in functions of Guard (cfn-guard 3.1.1's, plus {@code now()} and {@code parse_epoch()} of later
 * releases). Functions that transform a value map over every resolved value of their first argument.
 */
final class Functions {
    private Functions() {}

    static List<Result> call(Engine engine, LetValue.FunctionCall f, Engine.Scope scope) {
        FileLocation at = f.location();
        List<List<Result>> args = new ArrayList<>();
        for (LetValue p : f.parameters()) {
            args.add(engine.argument(p, scope, at));
        }
        List<Result> out = new ArrayList<>();
        switch (f.name()) {
            case "count" -> {
                long n = args.get(0).stream().filter(r -> r instanceof Resolved).count();
                out.add(new Resolved(new IntValue("", Position.NONE, n)));
            }
            case "join" -> {
                String delim = string(single(args.get(1), at, f.name()), at, f.name());
                List<String> parts = new ArrayList<>();
                for (Value v : resolved(args.get(0))) {
                    if (v instanceof ListValue l) {
                        for (Value e : l.elements()) {
                            parts.add(scalarText(e, at, f.name()));
                        }
                    } else {
                        parts.add(scalarText(v, at, f.name()));
                    }
                }
                out.add(new Resolved(new StringValue("", Position.NONE, String.join(delim, parts))));
            }
            case "json_parse" -> {
                for (Value v : resolved(args.get(0))) {
                    out.add(new Resolved(JsonText.parse(string(v, at, f.name()), v.path(), at)));
                }
            }
            case "regex_replace" -> {
                String pattern = string(single(args.get(1), at, f.name()), at, f.name());
                // Rust's regex writes group references as $1, ${1} or ${name}; RE2/J and java.util.regex take $1 and ${name}
                String replacement = string(single(args.get(2), at, f.name()), at, f.name()).replaceAll("\\$\\{([0-9]+)\\}", "\\$$1");
                GuardRegex re = engine.regex(pattern, at);
                for (Value v : resolved(args.get(0))) {
                    try {
                        out.add(new Resolved(new StringValue(v.path(), v.position(),
                                re.replaceAll(string(v, at, f.name()), replacement))));
                    } catch (GuardRegex.BudgetExceededException e) {
                        throw new GuardEvaluationException(at, e.getMessage(), "simplify the pattern", e.getMessage());
                    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                        throw new GuardEvaluationException(at, "regex_replace: " + e.getMessage(), null, e.getMessage());
                    }
                }
            }
            case "substring" -> {
                long from = integer(single(args.get(1), at, f.name()), at, f.name());
                long to = integer(single(args.get(2), at, f.name()), at, f.name());
                for (Value v : resolved(args.get(0))) {
                    String s = string(v, at, f.name());
                    if (from >= 0 && to <= s.length() && from <= to) {
                        out.add(new Resolved(new StringValue(v.path(), v.position(), s.substring((int) from, (int) to))));
                    }
                }
            }
            case "to_upper", "to_lower", "url_decode" -> {
                for (Value v : resolved(args.get(0))) {
                    String s = string(v, at, f.name());
                    String r = switch (f.name()) {
                        case "to_upper" -> s.toUpperCase(java.util.Locale.ROOT);
                        case "to_lower" -> s.toLowerCase(java.util.Locale.ROOT);
                        default -> {
                            try {
                                yield URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
                            } catch (IllegalArgumentException e) {
                                throw new GuardEvaluationException(at, "url_decode: invalid escape in \"" + s + "\"",
                                        null, e.getMessage());
                            }
                        }
                    };
                    out.add(new Resolved(new StringValue(v.path(), v.position(), r)));
                }
            }
            case "parse_int", "parse_float", "parse_string", "parse_boolean", "parse_char" -> {
                for (Value v : resolved(args.get(0))) {
                    out.add(new Resolved(convert(f.name(), v, at)));
                }
            }
            case "now" -> out.add(new Resolved(new IntValue("", Position.NONE, engine.clock().instant().getEpochSecond())));
            case "parse_epoch" -> {
                for (Value v : resolved(args.get(0))) {
                    String s = string(v, at, f.name());
                    try {
                        out.add(new Resolved(new IntValue(v.path(), v.position(), OffsetDateTime.parse(s).toEpochSecond())));
                    } catch (DateTimeParseException e) {
                        throw new GuardEvaluationException(at, "parse_epoch: \"" + s + "\" is not an RFC 3339 date-time",
                                "write it like 2024-01-31T12:00:00Z", "Failed to parse datetime " + s);
                    }
                }
            }
            case "gh_cidr_within", "gh_cidr_overlaps" -> {
                List<Cidr> set = cidrs(args.get(1), at, f.name());
                boolean within = f.name().equals("gh_cidr_within");
                for (Value v : flatten(resolved(args.get(0)))) {
                    boolean hit = false;
                    if (v instanceof StringValue s) {
                        Cidr c = Cidr.parse(s.value()).orElse(null);
                        if (c != null) {
                            for (Cidr allowed : set) {
                                if (within ? allowed.contains(c) : allowed.overlaps(c)) {
                                    hit = true;
                                    break;
                                }
                            }
                        }
                    }
                    out.add(new Resolved(new BoolValue(v.path(), v.position(), hit)));
                }
            }
            case "gh_ports_cover" -> {
                List<Long> ports = new ArrayList<>();
                for (Value v : flatten(resolved(args.get(1)))) {
                    Long p = port(v);
                    if (p == null) {
                        throw new GuardEvaluationException(at, "gh_ports_cover: " + v.path() + " is not a port number",
                                "pass a list of ports such as [22, 3389]", "gh_ports_cover expects port numbers");
                    }
                    ports.add(p);
                }
                for (Value v : flatten(resolved(args.get(0)))) {
                    if (v instanceof MapValue rule) {
                        out.add(new Resolved(new BoolValue(v.path(), v.position(), covers(rule, ports))));
                    }
                }
            }
            default -> throw new GuardEvaluationException(at, "no such function " + f.name(), null,
                    "no such function " + f.name());
        }
        return out;
    }

    private static List<Value> flatten(List<Value> vs) {
        List<Value> out = new ArrayList<>(vs.size());
        for (Value v : vs) {
            if (v instanceof ListValue l) {
                out.addAll(l.elements());
            } else {
                out.add(v);
            }
        }
        return out;
    }

    private static List<Cidr> cidrs(List<Result> arg, FileLocation at, String fn) {
        List<Cidr> out = new ArrayList<>();
        for (Value v : flatten(resolved(arg))) {
            Cidr c = v instanceof StringValue s ? Cidr.parse(s.value()).orElse(null) : null;
            if (c == null) {
                throw new GuardEvaluationException(at, fn + ": " + (v instanceof StringValue s ? "\"" + s.value() + "\"" : v.kindName())
                        + " at " + v.path() + " is not a CIDR", "list ranges like 10.0.0.0/8 or 2001:db8::/32",
                        fn + " expects CIDR strings");
            }
            out.add(c);
        }
        return out;
    }

    /** A port number given as an int or a numeric string (CloudFormation accepts both). */
    private static Long port(Value v) {
        if (v instanceof IntValue i) {
            return i.value();
        }
        if (v instanceof StringValue s && !s.value().isBlank()) {
            try {
                return Long.parseLong(s.value().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * Whether a security-group rule admits traffic to one of {@code ports}: protocol -1/all admits every
     * port; tcp/udp (or 6/17) admit FromPort..ToPort, all ports when the range is missing or -1. Other
     * protocols (icmp, ...) have no ports. A range given by an unresolved intrinsic is not evidence.
     */
    private static boolean covers(MapValue rule, List<Long> ports) {
        Value proto = rule.get("IpProtocol");
        String p = proto instanceof StringValue s ? s.value().strip().toLowerCase(java.util.Locale.ROOT)
                : proto instanceof IntValue i ? Long.toString(i.value()) : null;
        if (p == null) {
            return false;
        }
        if (p.equals("-1") || p.equals("all")) {
            return true;
        }
        if (!(p.equals("tcp") || p.equals("udp") || p.equals("6") || p.equals("17"))) {
            return false;
        }
        Value fv = rule.get("FromPort");
        Value tv = rule.get("ToPort");
        Long from = fv == null ? Long.valueOf(-1) : port(fv);
        Long to = tv == null ? Long.valueOf(-1) : port(tv);
        if (from == null || to == null) {
            return false;
        }
        if (from == -1 || to == -1) {
            return true;
        }
        for (long port : ports) {
            if (from <= port && port <= to) {
                return true;
            }
        }
        return false;
    }

    private static Value convert(String fn, Value v, FileLocation at) {
        Position pos = v.position();
        String path = v.path();
        try {
            return switch (fn) {
                case "parse_int" -> switch (v) {
                    case IntValue i -> i;
                    case FloatValue d -> new IntValue(path, pos, (long) d.value());
                    case StringValue s -> new IntValue(path, pos, Long.parseLong(s.value().trim()));
                    case CharValue c -> new IntValue(path, pos, c.value());
                    default -> throw bad(fn, v, at);
                };
                case "parse_float" -> switch (v) {
                    case FloatValue d -> d;
                    case IntValue i -> new FloatValue(path, pos, i.value());
                    case StringValue s -> new FloatValue(path, pos, Double.parseDouble(s.value().trim()));
                    default -> throw bad(fn, v, at);
                };
                case "parse_string" -> switch (v) {
                    case StringValue s -> s;
                    case IntValue i -> new StringValue(path, pos, Long.toString(i.value()));
                    case FloatValue d -> new StringValue(path, pos, gatehouse.core.TreeWriter.formatDouble(d.value(), false));
                    case BoolValue b -> new StringValue(path, pos, Boolean.toString(b.value()));
                    case CharValue c -> new StringValue(path, pos, String.valueOf(c.value()));
                    default -> throw bad(fn, v, at);
                };
                case "parse_boolean" -> switch (v) {
                    case BoolValue b -> b;
                    case StringValue s when s.value().equalsIgnoreCase("true") -> new BoolValue(path, pos, true);
                    case StringValue s when s.value().equalsIgnoreCase("false") -> new BoolValue(path, pos, false);
                    default -> throw bad(fn, v, at);
                };
                case "parse_char" -> switch (v) {
                    case CharValue c -> c;
                    case StringValue s when s.value().length() == 1 -> new CharValue(path, pos, s.value().charAt(0));
                    case IntValue i when i.value() >= 0 && i.value() <= 9 -> new CharValue(path, pos, (char) ('0' + i.value()));
                    default -> throw bad(fn, v, at);
                };
                default -> throw bad(fn, v, at);
            };
        } catch (NumberFormatException e) {
            throw bad(fn, v, at);
        }
    }

    private static GuardEvaluationException bad(String fn, Value v, FileLocation at) {
        return new GuardEvaluationException(at, fn + " cannot convert the " + v.kindName() + " at " + v.path(), null,
                "Types or variable assignments are incompatible `" + fn + " cannot convert value of type "
                        + v.kindName() + " at " + v.path() + "`");
    }

    private static List<Value> resolved(List<Result> rs) {
        List<Value> out = new ArrayList<>(rs.size());
        for (Result r : rs) {
            if (r instanceof Resolved res) {
                out.add(res.value());
            }
        }
        return out;
    }

    private static Value single(List<Result> rs, FileLocation at, String fn) {
        List<Value> vs = resolved(rs);
        if (vs.size() != 1) {
            throw new GuardEvaluationException(at, fn + ": expected one value, got " + vs.size(), null,
                    fn + " expected a single value");
        }
        return vs.get(0);
    }

    private static String string(Value v, FileLocation at, String fn) {
        if (v instanceof StringValue s) {
            return s.value();
        }
        throw new GuardEvaluationException(at, fn + " expects a string, got a " + v.kindName() + " at " + v.path(), null,
                "Types or variable assignments are incompatible `" + fn + " expects a string, found " + v.kindName() + "`");
    }

    private static String scalarText(Value v, FileLocation at, String fn) {
        return switch (v) {
            case StringValue s -> s.value();
            case IntValue i -> Long.toString(i.value());
            case BoolValue b -> Boolean.toString(b.value());
            case CharValue c -> String.valueOf(c.value());
            default -> string(v, at, fn);
        };
    }

    private static long integer(Value v, FileLocation at, String fn) {
        if (v instanceof IntValue i) {
            return i.value();
        }
        throw new GuardEvaluationException(at, fn + " expects an int, got a " + v.kindName(), null,
                fn + " expects an int");
    }

    /** A tiny JSON reader for json_parse (the guard module does not depend on the loaders). */
    static final class JsonText {
        private final String s;
        private final FileLocation at;
        private int p;
        private int depth;

        private JsonText(String s, FileLocation at) {
            this.s = s;
            this.at = at;
        }

        static Value parse(String text, String path, FileLocation at) {
            JsonText j = new JsonText(text, at);
            j.ws();
            Value v = j.value(path);
            j.ws();
            if (j.p != text.length()) {
                throw j.err();
            }
            return v;
        }

        private GuardEvaluationException err() {
            return new GuardEvaluationException(at, "json_parse: invalid JSON at offset " + p, null,
                    "json_parse failed to parse JSON at offset " + p);
        }

        private void ws() {
            while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
                p++;
            }
        }

        private Value value(String path) {
            if (p >= s.length() || ++depth > 500) {
                throw err();
            }
            try {
                char c = s.charAt(p);
                switch (c) {
                    case '{' -> {
                        p++;
                        Map<String, Value> m = new LinkedHashMap<>();
                        ws();
                        if (p < s.length() && s.charAt(p) == '}') {
                            p++;
                            return MapValue.of(path, m);
                        }
                        while (true) {
                            ws();
                            String k = str();
                            ws();
                            expect(':');
                            ws();
                            m.put(k, value(Value.childPath(path, k)));
                            ws();
                            if (p < s.length() && s.charAt(p) == ',') {
                                p++;
                                continue;
                            }
                            expect('}');
                            return MapValue.of(path, m);
                        }
                    }
                    case '[' -> {
                        p++;
                        List<Value> l = new ArrayList<>();
                        ws();
                        if (p < s.length() && s.charAt(p) == ']') {
                            p++;
                            return new ListValue(path, Position.NONE, l);
                        }
                        while (true) {
                            ws();
                            l.add(value(Value.childPath(path, l.size())));
                            ws();
                            if (p < s.length() && s.charAt(p) == ',') {
                                p++;
                                continue;
                            }
                            expect(']');
                            return new ListValue(path, Position.NONE, l);
                        }
                    }
                    case '"' -> {
                        return new StringValue(path, Position.NONE, str());
                    }
                    default -> {
                        if (s.startsWith("true", p)) {
                            p += 4;
                            return new BoolValue(path, Position.NONE, true);
                        }
                        if (s.startsWith("false", p)) {
                            p += 5;
                            return new BoolValue(path, Position.NONE, false);
                        }
                        if (s.startsWith("null", p)) {
                            p += 4;
                            return new NullValue(path, Position.NONE);
                        }
                        int start = p;
                        while (p < s.length() && "+-0123456789.eE".indexOf(s.charAt(p)) >= 0) {
                            p++;
                        }
                        String num = s.substring(start, p);
                        if (num.isEmpty()) {
                            throw err();
                        }
                        try {
                            if (num.matches("-?[0-9]+")) {
                                return new IntValue(path, Position.NONE, Long.parseLong(num));
                            }
                            return new FloatValue(path, Position.NONE, Double.parseDouble(num));
                        } catch (NumberFormatException e) {
                            throw err();
                        }
                    }
                }
            } finally {
                depth--;
            }
        }

        private void expect(char c) {
            if (p >= s.length() || s.charAt(p) != c) {
                throw err();
            }
            p++;
        }

        private String str() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (p < s.length()) {
                char c = s.charAt(p++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    if (p >= s.length()) {
                        throw err();
                    }
                    char e = s.charAt(p++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'u' -> {
                            if (p + 4 > s.length()) {
                                throw err();
                            }
                            sb.append((char) Integer.parseInt(s.substring(p, p + 4), 16));
                            p += 4;
                        }
                        default -> sb.append(e);
                    }
                } else {
                    sb.append(c);
                }
            }
            throw err();
        }
    }
}
