package gatehouse.monitor.comply;

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
 * A YAML configuration file to the document model with positions, so that every configuration error can
 * point at {@code file:line:col}. Only what configuration needs: maps with string keys (a repeated key is an
 * error), lists, and scalars typed by the YAML 1.2 JSON schema; no aliases beyond a small budget.
 */
final class YamlTree {
    private YamlTree() {}

    static Value parse(String file, String text) {
        LoadSettings settings = LoadSettings.builder().setLabel(file).setMaxAliasesForCollections(20)
                .setCodePointLimit(4 * 1024 * 1024).build();
        Optional<Node> node;
        try {
            node = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Mark m = e.getProblemMark().orElse(e.getContextMark().orElse(null));
            throw new InputException(Diagnostic.of("input_yaml_error", SourceSpan.at(file, m == null ? 1 : m.getLine() + 1,
                    m == null ? 1 : m.getColumn() + 1), "invalid YAML: " + e.getProblem(), "check the indentation and quoting"));
        } catch (YamlEngineException e) {
            throw new InputException(Diagnostic.of("input_yaml_error", SourceSpan.at(file, 1, 1), "invalid YAML: " + e.getMessage(), null));
        }
        if (node.isEmpty()) {
            return MapValue.of("", Map.of());
        }
        return convert(file, node.get(), "", 0);
    }

    private static Position pos(Node n) {
        return n.getStartMark().map(m -> new Position(m.getLine() + 1, m.getColumn())).orElse(Position.NONE);
    }

    private static Value convert(String file, Node n, String path, int depth) {
        if (depth > 64) {
            throw new InputException(Diagnostic.of("input_yaml_error", SourceSpan.at(file, pos(n).line(), pos(n).column() + 1),
                    "nested too deeply", null));
        }
        Position p = pos(n);
        if (n instanceof MappingNode m) {
            Map<String, Value> entries = new LinkedHashMap<>();
            Map<String, Position> keys = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    Position kp = pos(t.getKeyNode());
                    throw new InputException(Diagnostic.of("input_yaml_error", SourceSpan.at(file, kp.line(), kp.column() + 1),
                            "a key must be a plain string", null));
                }
                Position kp = pos(k);
                if (entries.containsKey(k.getValue())) {
                    throw new InputException(Diagnostic.of("input_yaml_error", SourceSpan.at(file, kp.line(), kp.column() + 1),
                            "duplicate key " + k.getValue(), "each key may appear once in a mapping"));
                }
                keys.put(k.getValue(), kp);
                entries.put(k.getValue(), convert(file, t.getValueNode(), Value.childPath(path, k.getValue()), depth + 1));
            }
            return new MapValue(path, p, entries, keys);
        }
        if (n instanceof SequenceNode s) {
            List<Value> out = new ArrayList<>();
            for (Node e : s.getValue()) {
                out.add(convert(file, e, Value.childPath(path, out.size()), depth + 1));
            }
            return new ListValue(path, p, out);
        }
        ScalarNode s = (ScalarNode) n;
        String v = s.getValue();
        Tag tag = s.getTag();
        try {
            if (tag.equals(Tag.NULL)) {
                return new NullValue(path, p);
            }
            if (tag.equals(Tag.BOOL)) {
                return new BoolValue(path, p, v.equalsIgnoreCase("true"));
            }
            if (tag.equals(Tag.INT)) {
                return new IntValue(path, p, Long.parseLong(v));
            }
            if (tag.equals(Tag.FLOAT)) {
                return new FloatValue(path, p, Double.parseDouble(v));
            }
        } catch (NumberFormatException e) {
            return new StringValue(path, p, v);
        }
        return new StringValue(path, p, v);
    }
}
