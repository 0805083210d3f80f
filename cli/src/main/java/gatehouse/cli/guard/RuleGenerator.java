package gatehouse.cli.guard;

import gatehouse.core.TreeWriter;
import gatehouse.core.doc.BoolValue;
import gatehouse.core.doc.FloatValue;
import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * {@code guard rulegen}: for each resource type of a template, a rule that requires every scalar property
 * value seen on resources of that type (several values become an {@code IN} list), as cfn-guard's rulegen
 * does. Output is deterministic: types and properties in document order.
 */
final class RuleGenerator {
    private RuleGenerator() {}

    static String generate(Value template) {
        Map<String, Map<String, Set<String>>> byType = new LinkedHashMap<>();
        if (template instanceof MapValue m && m.get("Resources") instanceof MapValue resources) {
            for (Value r : resources.entries().values()) {
                if (r instanceof MapValue rm && rm.get("Type") instanceof StringValue type
                        && rm.get("Properties") instanceof MapValue props) {
                    Map<String, Set<String>> rules = byType.computeIfAbsent(type.value(), k -> new LinkedHashMap<>());
                    for (Map.Entry<String, Value> p : props.entries().entrySet()) {
                        String literal = literal(p.getValue());
                        if (literal != null) {
                            rules.computeIfAbsent(p.getKey(), k -> new LinkedHashSet<>()).add(literal);
                        }
                    }
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Map<String, Set<String>>> t : byType.entrySet()) {
            if (t.getValue().isEmpty()) {
                continue;
            }
            String var = t.getKey().toLowerCase(java.util.Locale.ROOT).replace("::", "_");
            sb.append("let ").append(var).append("_resources = Resources.*[ Type == '").append(t.getKey()).append("' ]\n");
            sb.append("rule ").append(var).append(" when %").append(var).append("_resources !empty {\n");
            for (Map.Entry<String, Set<String>> p : t.getValue().entrySet()) {
                sb.append("  %").append(var).append("_resources.Properties.").append(p.getKey());
                if (p.getValue().size() == 1) {
                    sb.append(" == ").append(p.getValue().iterator().next());
                } else {
                    sb.append(" IN [").append(String.join(", ", p.getValue())).append("]");
                }
                sb.append('\n');
            }
            sb.append("}\n");
        }
        return sb.toString();
    }

    private static String literal(Value v) {
        return switch (v) {
            case StringValue s -> {
                StringBuilder sb = new StringBuilder();
                TreeWriter.jsonString(sb, s.value());
                yield sb.toString();
            }
            case IntValue i -> Long.toString(i.value());
            case FloatValue f -> TreeWriter.formatDouble(f.value(), false);
            case BoolValue b -> Boolean.toString(b.value());
            default -> null;
        };
    }
}
