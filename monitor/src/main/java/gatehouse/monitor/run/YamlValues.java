package gatehouse.monitor.run;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads a YAML (or JSON, a subset of YAML 1.2) monitor configuration into the core document model, every value with
 * its line and column, so that each configuration error points at its place. Aliases are refused (a configuration
 * has no need of them, and they allow exponential documents).
 */
final class YamlValues {
    private YamlValues() {}

    static Value read(String file, String text) {
        LoadSettings settings = LoadSettings.builder().setLabel(file).setAllowDuplicateKeys(false)
                .setMaxAliasesForCollections(0).build();
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Mark m = e.getProblemMark().or(e::getContextMark).orElse(null);
            throw new InputException(Diagnostic.of("input_yaml_error", SourceSpan.at(file, m == null ? 1 : m.getLine() + 1,
                    m == null ? 1 : m.getColumn() + 1), "invalid YAML: " + e.getProblem(),
                    "fix the syntax at that place; JSON is accepted too"));
        } catch (YamlEngineException e) {
            String msg = e.getMessage() == null ? "invalid YAML" : e.getMessage().lines().findFirst().orElse("invalid YAML");
            throw new InputException(Diagnostic.of("input_yaml_error", SourceSpan.at(file, 1, 1), msg,
                    "fix the syntax; JSON is accepted too"));
        }
        if (root.isEmpty()) {
            throw new InputException(Diagnostic.of("config", SourceSpan.at(file, 1, 1), "the configuration is empty",
                    "see docs/alarms.md for the format"));
        }
        return value(root.get(), "");
    }

    private static Position pos(Node n) {
        return n.getStartMark().map(m -> new Position(m.getLine() + 1, m.getColumn())).orElse(Position.NONE);
    }

    private static Value value(Node n, String path) {
        Position p = pos(n);
        if (n instanceof MappingNode m) {
            Map<String, Value> entries = new LinkedHashMap<>();
            Map<String, Position> keys = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "?";
                keys.put(key, pos(t.getKeyNode()));
                entries.put(key, value(t.getValueNode(), Value.childPath(path, key)));
            }
            return new MapValue(path, p, entries, keys);
        }
        if (n instanceof SequenceNode s) {
            List<Value> out = new ArrayList<>();
            int i = 0;
            for (Node e : s.getValue()) {
                out.add(value(e, Value.childPath(path, i++)));
            }
            return new ListValue(path, p, out);
        }
        ScalarNode s = (ScalarNode) n;
        String v = s.getValue();
        Tag tag = s.getTag();
        if (s.isPlain()) {
            if (tag.equals(Tag.NULL)) {
                return new NullValue(path, p);
            }
            if (tag.equals(Tag.BOOL)) {
                return new BoolValue(path, p, Boolean.parseBoolean(v));
            }
            if (tag.equals(Tag.INT)) {
                try {
                    return new IntValue(path, p, Long.parseLong(v));
                } catch (NumberFormatException e) {
                    return new FloatValue(path, p, Double.parseDouble(v));
                }
            }
            if (tag.equals(Tag.FLOAT)) {
                try {
                    return new FloatValue(path, p, Double.parseDouble(v));
                } catch (NumberFormatException e) {
                    return new StringValue(path, p, v);
                }
            }
        }
        return new StringValue(path, p, v);
    }
}
