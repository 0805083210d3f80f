package gatehouse.iac.scan;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.core.doc.BoolValue;
import gatehouse.core.doc.FloatValue;
import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.iac.load.DocumentLoader;
import gatehouse.iac.resolve.IntrinsicResolver.ParameterValue;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CloudFormation parameter files in the formats in use: the CLI's
 * {@code [{"ParameterKey": "K", "ParameterValue": "V"}]}, CodePipeline's template configuration
 * {@code {"Parameters": {"K": "V"}, "Tags": {...}}} (the seed demo's {@code prod-stack-configuration.json}),
 * and a plain {@code {"K": "V"}} map. JSON or YAML.
 */
public final class ParameterFile {
    private ParameterFile() {}

    public static Map<String, ParameterValue> load(Path file) {
        Value v = DocumentLoader.defaults().load(file);
        String source = file.getFileName().toString();
        Map<String, ParameterValue> out = new LinkedHashMap<>();
        if (v instanceof ListValue l) {
            for (Value e : l.elements()) {
                if (!(e instanceof MapValue m) || !(m.get("ParameterKey") instanceof StringValue k) || m.get("ParameterValue") == null) {
                    throw error(file, e, "each entry needs ParameterKey and ParameterValue",
                            "[{\"ParameterKey\": \"Name\", \"ParameterValue\": \"value\"}]");
                }
                out.put(k.value(), new ParameterValue(text(file, m.get("ParameterValue")), source));
            }
            return out;
        }
        if (v instanceof MapValue m) {
            MapValue params = m.get("Parameters") instanceof MapValue p ? p : m;
            for (Map.Entry<String, Value> e : params.entries().entrySet()) {
                if (params == m && (e.getKey().equals("Tags") || e.getKey().equals("StackPolicy"))) {
                    continue;
                }
                out.put(e.getKey(), new ParameterValue(text(file, e.getValue()), source));
            }
            return out;
        }
        throw error(file, v, "not a parameter file", "use [{\"ParameterKey\": ..., \"ParameterValue\": ...}] or {\"Parameters\": {...}}");
    }

    private static String text(Path file, Value v) {
        return switch (v) {
            case StringValue s -> s.value();
            case IntValue i -> Long.toString(i.value());
            case FloatValue f -> Double.toString(f.value());
            case BoolValue b -> Boolean.toString(b.value());
            case ListValue l -> String.join(",", l.elements().stream().map(e -> text(file, e)).toList());
            default -> throw error(file, v, "a parameter value must be text, a number or a list", null);
        };
    }

    private static InputException error(Path file, Value at, String msg, String hint) {
        return new InputException(Diagnostic.of("parameters", SourceSpan.at(file.toString(), Math.max(1, at.position().line()),
                at.position().column() + 1), msg, hint));
    }

}
