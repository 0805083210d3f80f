package gatehouse.pipeline.merge;

import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names a template value refers to, found statically: {@code Ref} and {@code Fn::Sub} {@code ${Name}}
 * (a parameter or a resource), {@code Fn::GetAtt} and {@code DependsOn} (a resource), {@code Fn::FindInMap}
 * (a mapping), and conditions ({@code Condition: X} on a resource or output, {@code Fn::If}, and the
 * {@code {Condition: X}} operand of {@code Fn::And}/{@code Fn::Or}/{@code Fn::Not}). Pseudo parameters
 * ({@code AWS::Region}) are not references to anything a fragment declares and are left out.
 */
final class References {
    enum Kind { NAME, RESOURCE, MAPPING, CONDITION }

    /** One reference: what kind of name, the name, and the value that holds it (for its position). */
    record Reference(Kind kind, String name, Value at) {}

    private static final Pattern SUB_VAR = Pattern.compile("\\$\\{([^}!][^}]*)}");
    private static final int MAX_DEPTH = 200;

    private References() {}

    /** References in a section element (a resource, output, condition, ...), including its own Condition and DependsOn. */
    static List<Reference> of(String section, Value element) {
        List<Reference> out = new ArrayList<>();
        if (element instanceof MapValue m && (section.equals("Resources") || section.equals("Outputs"))) {
            if (m.get("Condition") instanceof StringValue c) {
                out.add(new Reference(Kind.CONDITION, c.value(), c));
            }
            Value dependsOn = m.get("DependsOn");
            if (dependsOn instanceof StringValue s) {
                out.add(new Reference(Kind.RESOURCE, s.value(), s));
            } else if (dependsOn instanceof ListValue l) {
                l.elements().stream().filter(e -> e instanceof StringValue)
                        .forEach(e -> out.add(new Reference(Kind.RESOURCE, ((StringValue) e).value(), e)));
            }
            for (var e : m.entries().entrySet()) {
                if (!e.getKey().equals("Condition") && !e.getKey().equals("DependsOn")) {
                    walk(e.getValue(), Set.of(), out, 0);
                }
            }
        } else {
            walk(element, Set.of(), out, 0);
        }
        return out;
    }

    /** References anywhere in {@code v}. */
    static List<Reference> in(Value v) {
        List<Reference> out = new ArrayList<>();
        walk(v, Set.of(), out, 0);
        return out;
    }

    private static void walk(Value v, Set<String> subLocals, List<Reference> out, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        if (v instanceof ListValue l) {
            l.elements().forEach(e -> walk(e, subLocals, out, depth + 1));
            return;
        }
        if (!(v instanceof MapValue m)) {
            return;
        }
        if (m.size() == 1) {
            String fn = m.entries().keySet().iterator().next();
            Value arg = m.get(fn);
            switch (fn) {
                case "Ref" -> {
                    if (arg instanceof StringValue s && !s.value().startsWith("AWS::")) {
                        out.add(new Reference(Kind.NAME, s.value(), s));
                    }
                    return;
                }
                case "Condition" -> {
                    if (arg instanceof StringValue s) {
                        out.add(new Reference(Kind.CONDITION, s.value(), s));
                        return;
                    }
                }
                case "Fn::GetAtt" -> {
                    if (arg instanceof StringValue s) {
                        int dot = s.value().indexOf('.');
                        out.add(new Reference(Kind.RESOURCE, dot < 0 ? s.value() : s.value().substring(0, dot), s));
                        return;
                    }
                    if (arg instanceof ListValue l && !l.elements().isEmpty() && l.get(0) instanceof StringValue s) {
                        out.add(new Reference(Kind.RESOURCE, s.value(), s));
                        l.elements().stream().skip(1).forEach(e -> walk(e, subLocals, out, depth + 1));
                        return;
                    }
                }
                case "Fn::FindInMap" -> {
                    if (arg instanceof ListValue l && !l.elements().isEmpty() && l.get(0) instanceof StringValue s) {
                        out.add(new Reference(Kind.MAPPING, s.value(), s));
                        l.elements().stream().skip(1).forEach(e -> walk(e, subLocals, out, depth + 1));
                        return;
                    }
                }
                case "Fn::If" -> {
                    if (arg instanceof ListValue l && !l.elements().isEmpty() && l.get(0) instanceof StringValue s) {
                        out.add(new Reference(Kind.CONDITION, s.value(), s));
                        l.elements().stream().skip(1).forEach(e -> walk(e, subLocals, out, depth + 1));
                        return;
                    }
                }
                case "Fn::Sub" -> {
                    if (arg instanceof StringValue s) {
                        sub(s, Set.of(), out);
                        return;
                    }
                    if (arg instanceof ListValue l && !l.elements().isEmpty() && l.get(0) instanceof StringValue s) {
                        Set<String> locals = l.size() > 1 && l.get(1) instanceof MapValue vars ? vars.entries().keySet() : Set.of();
                        sub(s, locals, out);
                        l.elements().stream().skip(1).forEach(e -> walk(e, subLocals, out, depth + 1));
                        return;
                    }
                }
                default -> { }
            }
        }
        m.entries().values().forEach(e -> walk(e, subLocals, out, depth + 1));
    }

    private static void sub(StringValue s, Set<String> locals, List<Reference> out) {
        Matcher mt = SUB_VAR.matcher(s.value());
        while (mt.find()) {
            String name = mt.group(1).strip();
            int dot = name.indexOf('.');
            String base = dot < 0 ? name : name.substring(0, dot);
            if (locals.contains(name) || locals.contains(base) || name.startsWith("AWS::")) {
                continue;
            }
            out.add(new Reference(dot < 0 ? Kind.NAME : Kind.RESOURCE, base, s));
        }
    }
}
