package gatehouse.iac.resolve;

import gatehouse.core.doc.BoolValue;
import gatehouse.core.doc.FloatValue;
import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Resolves what a CloudFormation template's intrinsic functions say statically, so policy sees the values
 * that would be deployed: {@code Ref} to parameters (a value from a parameter file, else the default) and
 * to pseudo parameters, {@code Fn::Sub}, {@code Fn::Join}, {@code Fn::Select}, {@code Fn::Split} and
 * {@code Fn::FindInMap} over what resolves, and {@code Fn::If} — one {@link Resolution} per branch
 * ({@link #resolve} returns two variants, "then" and "else", when the template has any {@code Fn::If}).
 * {@code AWS::NoValue} removes the key or element holding it.
 *
 * <p>What cannot be resolved ({@code Fn::GetAtt}, {@code Ref} to a resource, {@code Fn::ImportValue}, a
 * parameter with neither value nor default) stays as it was. A resolved value keeps the position and path
 * of the intrinsic it replaced, and its {@link Resolution#provenance() provenance} says where it came
 * from. Resolution is bounded: values are only substituted from parameters, mappings and literals, never
 * re-resolved through themselves, and nesting deeper than {@value #MAX_DEPTH} stops.
 */
public final class IntrinsicResolver {
    static final int MAX_DEPTH = 64;
    /** Marks a value to be removed (AWS::NoValue). */
    private static final Value NO_VALUE = new StringValue("", Position.NONE, "AWS::NoValue");

    /** One resolved view of a template and, per JSON path, how its resolved value was obtained. */
    public record Resolution(Value root, Map<String, String> provenance, String variant) {}

    /** A parameter's value from a parameter file: the value and the file's name. */
    public record ParameterValue(String value, String source) {}

    private final Map<String, ParameterValue> overrides;
    private final Map<String, String> pseudo;

    /**
     * @param overrides parameter values (e.g. from a CloudFormation parameter file), by parameter name
     * @param pseudo    values of pseudo parameters such as {@code AWS::Region}; defaults apply for the rest
     */
    public IntrinsicResolver(Map<String, ParameterValue> overrides, Map<String, String> pseudo) {
        this.overrides = Map.copyOf(overrides);
        Map<String, String> p = new LinkedHashMap<>(Map.of("AWS::Region", "us-east-1", "AWS::AccountId", "123456789012",
                "AWS::Partition", "aws", "AWS::URLSuffix", "amazonaws.com", "AWS::StackName", "stack"));
        p.putAll(pseudo);
        this.pseudo = Map.copyOf(p);
    }

    public IntrinsicResolver() {
        this(Map.of(), Map.of());
    }

    /** Resolves {@code template}; two variants when it uses {@code Fn::If}, else one. */
    public List<Resolution> resolve(Value template) {
        if (!(template instanceof MapValue root)) {
            return List.of(new Resolution(template, Map.of(), ""));
        }
        boolean hasIf = containsIf(template, 0);
        List<Resolution> out = new ArrayList<>();
        for (int branch = 0; branch < (hasIf ? 2 : 1); branch++) {
            Run run = new Run(root, branch == 0);
            Map<String, Value> entries = new LinkedHashMap<>();
            Map<String, Position> keys = new LinkedHashMap<>();
            for (Map.Entry<String, Value> e : root.entries().entrySet()) {
                String k = e.getKey();
                // the declarations themselves stay as written
                Value v = k.equals("Parameters") || k.equals("Mappings") || k.equals("Conditions") ? e.getValue()
                        : run.value(e.getValue(), 0);
                if (v != NO_VALUE) {
                    entries.put(k, v);
                    keys.put(k, root.keyPosition(k));
                }
            }
            out.add(new Resolution(new MapValue(root.path(), root.position(), entries, keys), Map.copyOf(run.provenance),
                    hasIf ? (branch == 0 ? "Fn::If then-branches" : "Fn::If else-branches") : ""));
        }
        return out;
    }

    private static boolean containsIf(Value v, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        if (v instanceof MapValue m) {
            if (m.size() == 1 && m.get("Fn::If") != null) {
                return true;
            }
            for (Value c : m.entries().values()) {
                if (containsIf(c, depth + 1)) {
                    return true;
                }
            }
        } else if (v instanceof ListValue l) {
            for (Value c : l.elements()) {
                if (containsIf(c, depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** One resolution pass. */
    private final class Run {
        final MapValue root;
        final boolean thenBranch;
        final Map<String, String> provenance = new LinkedHashMap<>();
        final MapValue parameters;
        final MapValue mappings;

        Run(MapValue root, boolean thenBranch) {
            this.root = root;
            this.thenBranch = thenBranch;
            this.parameters = root.get("Parameters") instanceof MapValue p ? p : MapValue.of("/Parameters", Map.of());
            this.mappings = root.get("Mappings") instanceof MapValue m ? m : MapValue.of("/Mappings", Map.of());
        }

        Value value(Value v, int depth) {
            if (depth > MAX_DEPTH) {
                return v;
            }
            if (v instanceof ListValue l) {
                List<Value> out = new ArrayList<>(l.size());
                boolean changed = false;
                for (Value e : l.elements()) {
                    Value r = value(e, depth + 1);
                    changed |= r != e;
                    if (r != NO_VALUE) {
                        out.add(r);
                    }
                }
                return changed ? new ListValue(l.path(), l.position(), out) : l;
            }
            if (!(v instanceof MapValue m)) {
                return v;
            }
            if (m.size() == 1) {
                String fn = m.entries().keySet().iterator().next();
                if (fn.equals("Ref") || fn.startsWith("Fn::")) {
                    Value r = intrinsic(m, fn, m.get(fn), depth);
                    return r == null ? m : r;
                }
            }
            Map<String, Value> out = new LinkedHashMap<>();
            Map<String, Position> keys = new LinkedHashMap<>();
            boolean changed = false;
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                Value r = value(e.getValue(), depth + 1);
                changed |= r != e.getValue();
                if (r != NO_VALUE) {
                    out.put(e.getKey(), r);
                    keys.put(e.getKey(), m.keyPosition(e.getKey()));
                }
            }
            return changed ? new MapValue(m.path(), m.position(), out, keys) : m;
        }

        /** The resolved value of intrinsic {@code fn} at {@code at}, or null when it does not resolve. */
        Value intrinsic(MapValue at, String fn, Value arg, int depth) {
            return switch (fn) {
                case "Ref" -> arg instanceof StringValue s ? ref(at, s.value()) : null;
                case "Fn::If" -> {
                    if (arg instanceof ListValue l && l.size() == 3) {
                        Value chosen = value(l.get(thenBranch ? 1 : 2), depth + 1);
                        if (chosen == NO_VALUE) {
                            yield NO_VALUE;
                        }
                        provenance.put(at.path(), "Fn::If on condition " + text(l.get(0)) + " ("
                                + (thenBranch ? "true" : "false") + " branch)");
                        yield relocate(chosen, at);
                    }
                    yield null;
                }
                case "Fn::Join" -> {
                    if (arg instanceof ListValue l && l.size() == 2 && value(l.get(0), depth + 1) instanceof StringValue d) {
                        Value list = value(l.get(1), depth + 1);
                        if (list instanceof ListValue items) {
                            List<String> parts = new ArrayList<>();
                            for (Value e : items.elements()) {
                                String s = scalar(e);
                                if (s == null) {
                                    yield null;
                                }
                                parts.add(s);
                            }
                            yield derived(at, String.join(d.value(), parts), "Fn::Join");
                        }
                    }
                    yield null;
                }
                case "Fn::Select" -> {
                    if (arg instanceof ListValue l && l.size() == 2) {
                        String idx = scalar(value(l.get(0), depth + 1));
                        Value list = value(l.get(1), depth + 1);
                        if (idx != null && idx.matches("[0-9]{1,6}") && list instanceof ListValue items
                                && Integer.parseInt(idx) < items.size()) {
                            Value chosen = items.get(Integer.parseInt(idx));
                            if (chosen instanceof MapValue) {
                                yield null;
                            }
                            provenance.putIfAbsent(at.path(), "Fn::Select");
                            yield relocate(chosen, at);
                        }
                    }
                    yield null;
                }
                case "Fn::Split" -> {
                    if (arg instanceof ListValue l && l.size() == 2 && value(l.get(0), depth + 1) instanceof StringValue d
                            && !d.value().isEmpty() && value(l.get(1), depth + 1) instanceof StringValue s) {
                        List<Value> parts = new ArrayList<>();
                        int i = 0;
                        for (String p : s.value().split(java.util.regex.Pattern.quote(d.value()), -1)) {
                            parts.add(new StringValue(at.path() + "/" + i++, at.position(), p));
                        }
                        provenance.putIfAbsent(at.path(), "Fn::Split");
                        yield new ListValue(at.path(), at.position(), parts);
                    }
                    yield null;
                }
                case "Fn::FindInMap" -> {
                    if (arg instanceof ListValue l && l.size() >= 3) {
                        String a = scalar(value(l.get(0), depth + 1));
                        String b = scalar(value(l.get(1), depth + 1));
                        String c = scalar(value(l.get(2), depth + 1));
                        if (a != null && b != null && c != null && mappings.get(a) instanceof MapValue top
                                && top.get(b) instanceof MapValue second && second.get(c) != null) {
                            Value found = second.get(c);
                            provenance.put(at.path(), "mapping " + a + "." + b + "." + c);
                            yield relocate(found, at);
                        }
                    }
                    yield null;
                }
                case "Fn::Sub" -> sub(at, arg, depth);
                default -> null; // GetAtt, ImportValue, GetAZs, Cidr, Base64, Transform...: not static
            };
        }

        Value ref(MapValue at, String name) {
            if (name.equals("AWS::NoValue")) {
                return NO_VALUE;
            }
            String ps = pseudo.get(name);
            if (ps != null) {
                provenance.put(at.path(), "pseudo parameter " + name + " (assumed " + ps + ")");
                return new StringValue(at.path(), at.position(), ps);
            }
            if (!(parameters.get(name) instanceof MapValue decl)) {
                return null; // a resource or an unknown name
            }
            String type = decl.get("Type") instanceof StringValue t ? t.value() : "String";
            ParameterValue given = overrides.get(name);
            if (given != null) {
                provenance.put(at.path(), "parameter " + name + " (from " + given.source() + ")");
                return typed(at, given.value(), type);
            }
            Value def = decl.get("Default");
            if (def == null || def instanceof MapValue) {
                return null;
            }
            provenance.put(at.path(), "parameter " + name + " (default)");
            String text = scalar(def);
            if (text != null && (type.startsWith("List<") || type.equals("CommaDelimitedList"))) {
                return typed(at, text, type);
            }
            return relocate(def, at);
        }

        /** A parameter value (always text in CloudFormation) as the parameter's type reads it. */
        Value typed(MapValue at, String text, String type) {
            if (type.startsWith("List<") || type.equals("CommaDelimitedList")) {
                List<Value> items = new ArrayList<>();
                int i = 0;
                for (String p : text.split(",", -1)) {
                    items.add(new StringValue(at.path() + "/" + i++, at.position(), p.strip()));
                }
                return new ListValue(at.path(), at.position(), items);
            }
            if (type.equals("Number")) {
                try {
                    return new IntValue(at.path(), at.position(), Long.parseLong(text.strip()));
                } catch (NumberFormatException e) {
                    try {
                        return new FloatValue(at.path(), at.position(), Double.parseDouble(text.strip()));
                    } catch (NumberFormatException e2) {
                        // keep the text
                    }
                }
            }
            return new StringValue(at.path(), at.position(), text);
        }

        Value sub(MapValue at, Value arg, int depth) {
            String template;
            Map<String, Value> vars = new LinkedHashMap<>();
            if (arg instanceof StringValue s) {
                template = s.value();
            } else if (arg instanceof ListValue l && l.size() == 2 && l.get(0) instanceof StringValue s
                    && l.get(1) instanceof MapValue m) {
                template = s.value();
                for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                    vars.put(e.getKey(), value(e.getValue(), depth + 1));
                }
            } else {
                return null;
            }
            StringBuilder out = new StringBuilder();
            List<String> via = new ArrayList<>();
            int i = 0;
            while (i < template.length()) {
                int open = template.indexOf("${", i);
                if (open < 0) {
                    out.append(template, i, template.length());
                    break;
                }
                out.append(template, i, open);
                int close = template.indexOf('}', open);
                if (close < 0) {
                    out.append(template, open, template.length());
                    break;
                }
                String name = template.substring(open + 2, close).strip();
                if (name.startsWith("!")) {
                    out.append("${").append(name.substring(1)).append('}');
                } else {
                    String v = null;
                    if (vars.containsKey(name)) {
                        v = scalar(vars.get(name));
                    } else if (!name.contains(".")) {
                        Value r = ref(MapValue.of(at.path(), Map.of()), name);
                        v = r == null || r == NO_VALUE ? null : scalar(r);
                        if (v != null) {
                            via.add(name);
                        }
                    }
                    if (v == null) {
                        provenance.remove(at.path());
                        return null; // a GetAtt or a resource reference: the string is not static
                    }
                    out.append(v);
                }
                i = close + 1;
            }
            provenance.put(at.path(), via.isEmpty() ? "Fn::Sub" : "Fn::Sub with " + String.join(", ", via));
            return new StringValue(at.path(), at.position(), out.toString());
        }

        Value derived(MapValue at, String text, String how) {
            provenance.putIfAbsent(at.path(), how);
            return new StringValue(at.path(), at.position(), text);
        }
    }

    /** {@code v} moved to the intrinsic's place: same content, the path and position of {@code at}. */
    static Value relocate(Value v, Value at) {
        Objects.requireNonNull(v);
        String p = at.path();
        Position pos = at.position();
        return switch (v) {
            case StringValue s -> new StringValue(p, pos, s.value());
            case IntValue i -> new IntValue(p, pos, i.value());
            case FloatValue f -> new FloatValue(p, pos, f.value());
            case BoolValue b -> new BoolValue(p, pos, b.value());
            default -> v; // lists and maps keep their own paths (their elements are real template values)
        };
    }

    private static String scalar(Value v) {
        if (v == null) {
            return null;
        }
        return switch (v) {
            case StringValue s -> s.value();
            case IntValue i -> Long.toString(i.value());
            case FloatValue f -> Double.toString(f.value());
            case BoolValue b -> Boolean.toString(b.value());
            default -> null;
        };
    }

    private static String text(Value v) {
        String s = scalar(v);
        return s == null ? "?" : s;
    }
}
