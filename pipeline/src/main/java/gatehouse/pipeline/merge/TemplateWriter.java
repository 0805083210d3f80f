package gatehouse.pipeline.merge;

import gatehouse.core.TreeWriter;
import gatehouse.core.doc.BoolValue;
import gatehouse.core.doc.FloatValue;
import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.NullValue;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the merged template as YAML or JSON, and the provenance map as JSON. Output is deterministic: same
 * elements, same bytes.
 *
 * <p>Intrinsics are written in their long form ({@code Ref: X}, {@code Fn::GetAtt: [X, Arn]}), which both
 * CloudFormation and every reader accept. YAML strings are quoted whenever a YAML 1.1 reader (CloudFormation's)
 * could take them for something else ({@code yes}, {@code off}, {@code 0755}, {@code 1:30}, dates): only plain
 * words, paths and ARNs are left bare.
 */
public final class TemplateWriter {
    private static final Pattern SAFE_PLAIN = Pattern.compile("[A-Za-z_/$][A-Za-z0-9_./$@+ (),-]*(::[A-Za-z0-9_./$@+-]+)*");
    private static final Set<String> YAML11_WORDS = Set.of("y", "n", "yes", "no", "on", "off", "true", "false", "null");

    private TemplateWriter() {}

    /** JSON when {@code fileName} ends in .json, else YAML. */
    public static String write(MapValue template, String fileName) {
        return fileName.toLowerCase(Locale.ROOT).endsWith(".json") ? TreeWriter.json(plain(template)) + "\n" : yaml(template);
    }

    public static String yaml(MapValue template) {
        StringBuilder sb = new StringBuilder();
        node(sb, plain(template), 0);
        return sb.toString();
    }

    /** A plain tree ({@code Map}, {@code List}, scalars) for writing; a dotted {@code Fn::GetAtt} becomes its list form. */
    static Object plain(Value v) {
        return switch (v) {
            case MapValue m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                if (m.size() == 1 && m.get("Fn::GetAtt") instanceof StringValue s && s.value().indexOf('.') > 0) {
                    int dot = s.value().indexOf('.');
                    out.put("Fn::GetAtt", List.of(s.value().substring(0, dot), s.value().substring(dot + 1)));
                    yield out;
                }
                m.entries().forEach((k, e) -> out.put(k, plain(e)));
                yield out;
            }
            case ListValue l -> {
                List<Object> out = new ArrayList<>();
                l.elements().forEach(e -> out.add(plain(e)));
                yield out;
            }
            case StringValue s -> s.value();
            case IntValue i -> i.value();
            case FloatValue f -> f.value();
            case BoolValue b -> b.value();
            case NullValue n -> null;
            default -> throw new IllegalArgumentException("not a template value: " + v.kindName());
        };
    }

    private static void node(StringBuilder sb, Object v, int indent) {
        String pad = " ".repeat(indent);
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(pad).append(scalar(e.getKey())).append(':');
                child(sb, e.getValue(), indent + 2);
            }
        } else if (v instanceof List<?> l) {
            for (Object e : l) {
                sb.append(pad).append('-');
                if (e instanceof Map<?, ?> em && !em.isEmpty()) {
                    // the first key on the dash's line, the rest aligned under it
                    StringBuilder inner = new StringBuilder();
                    node(inner, e, indent + 2);
                    sb.append(' ').append(inner.substring(indent + 2));
                } else {
                    child(sb, e, indent + 2);
                }
            }
        }
    }

    private static void child(StringBuilder sb, Object v, int indent) {
        if (v instanceof Map<?, ?> m && !m.isEmpty() || v instanceof List<?> l && !l.isEmpty()) {
            sb.append('\n');
            node(sb, v, v instanceof List<?> ? indent - 2 + 2 : indent);
        } else {
            sb.append(' ').append(scalar(v)).append('\n');
        }
    }

    private static String scalar(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map<?, ?>) {
            return "{}";
        }
        if (v instanceof List<?>) {
            return "[]";
        }
        if (v instanceof Boolean || v instanceof Long || v instanceof Integer) {
            return v.toString();
        }
        if (v instanceof Double d) {
            return TreeWriter.formatDouble(d, true);
        }
        String s = v.toString();
        if (SAFE_PLAIN.matcher(s).matches() && !YAML11_WORDS.contains(s.toLowerCase(Locale.ROOT)) && !s.endsWith(":")
                && !s.endsWith(" ") && !s.contains("  ")) {
            return s;
        }
        StringBuilder q = new StringBuilder();
        TreeWriter.jsonString(q, s);
        return q.toString();
    }

    /**
     * The provenance map: for each merged element's JSON pointer, its owner and file:line:col, and where identical
     * copies were; keys in template order.
     */
    public static String provenance(Merger.Result result, String template) {
        Map<String, Object> elements = new LinkedHashMap<>();
        for (Merger.Element el : result.elements()) {
            Map<String, Object> e = origin(el.origin());
            if (!el.duplicates().isEmpty()) {
                List<Object> dups = new ArrayList<>();
                el.duplicates().forEach(d -> dups.add(origin(d)));
                e.put("identicalIn", dups);
            }
            elements.put(el.pointer(), e);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schemaVersion", 1L);
        root.put("template", template);
        root.put("elements", elements);
        return TreeWriter.json(root) + "\n";
    }

    private static Map<String, Object> origin(Merger.Origin o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("owner", o.owner());
        m.put("file", o.file());
        m.put("line", (long) o.line());
        m.put("column", (long) o.column());
        return m;
    }
}
