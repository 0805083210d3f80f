package gatehouse.iac.load.internal;

import gatehouse.core.Diagnostic;
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
import gatehouse.iac.load.LoadException;
import gatehouse.iac.load.LoadLimits;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.MappingStartEvent;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.events.SequenceStartEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Builds a {@link Value} tree from SnakeYAML Engine's event stream with an explicit stack, so nesting depth
 * is limited by {@link LoadLimits#maxDepth()} and never by the JVM stack. One instance builds one document.
 */
public final class YamlBuilder {
    /** CloudFormation short-form tags and the long-form key each becomes. */
    private static final Map<String, String> CFN_TAGS;

    static {
        Map<String, String> m = new HashMap<>();
        m.put("!Ref", "Ref");
        m.put("!Condition", "Condition");
        for (String fn : new String[] {"Base64", "Cidr", "And", "Equals", "If", "Not", "Or", "FindInMap", "GetAtt",
                "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub", "Transform"}) {
            m.put("!" + fn, "Fn::" + fn);
        }
        CFN_TAGS = Map.copyOf(m);
    }

    private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern FLOAT = Pattern.compile(
            "[-+]?(?:[0-9]+\\.?[0-9]*(?:[eE][-+]?[0-9]+)?|\\.[0-9]+(?:[eE][-+]?[0-9]+)?)");
    private static final Set<String> FLOAT_WORDS = Set.of("inf", "infinity", "nan");
    private static final String STR_TAG = "tag:yaml.org,2002:str";

    private final String name;
    private final String text;
    private final LoadLimits limits;
    private final boolean rejectAliases;
    private final Map<String, Value> anchors = new HashMap<>();
    private final IdentityHashMap<Value, Long> sizes = new IdentityHashMap<>();
    private long expanded;

    public YamlBuilder(String name, String text, LoadLimits limits, boolean rejectAliases) {
        this.name = name;
        this.text = text;
        this.limits = limits;
        this.rejectAliases = rejectAliases;
    }

    /** A map or list under construction. */
    private static final class Frame {
        final boolean isMap;
        final String path;
        final Position pos;
        final String anchor;
        final String wrapKey; // CloudFormation long-form key when the collection had a short-form tag
        final Map<String, Value> entries;
        final Map<String, Position> keyPositions;
        final List<Value> elements;
        List<Value> merges;
        String pendingKey;
        Position pendingKeyPos;
        boolean pendingMerge;
        long size = 1;

        Frame(boolean isMap, String path, Position pos, String anchor, String wrapKey) {
            this.isMap = isMap;
            this.path = path;
            this.pos = pos;
            this.anchor = anchor;
            this.wrapKey = wrapKey;
            this.entries = isMap ? new LinkedHashMap<>() : null;
            this.keyPositions = isMap ? new LinkedHashMap<>() : null;
            this.elements = isMap ? null : new ArrayList<>();
        }

        boolean expectsKey() {
            return isMap && pendingKey == null && !pendingMerge;
        }

        /** The data path of the next child value. */
        String childPath() {
            if (isMap) {
                return Value.childPath(path, pendingKey == null ? "<<" : pendingKey);
            }
            return Value.childPath(path, elements.size());
        }
    }

    public Value build() {
        LoadSettings settings = LoadSettings.builder().setLabel(name).setUseMarks(true)
                .setCodePointLimit((int) Math.min(Integer.MAX_VALUE, limits.maxBytes() + 16))
                .setAllowDuplicateKeys(true).build();
        Iterator<Event> events = new Parse(settings).parseString(text).iterator();
        ArrayDeque<Frame> stack = new ArrayDeque<>();
        Value root = null;
        boolean inDocument = false;
        try {
            while (events.hasNext()) {
                Event e = events.next();
                switch (e.getEventId()) {
                    case DocumentStart -> inDocument = true;
                    case DocumentEnd -> {
                        if (root != null) {
                            return root;
                        }
                    }
                    case StreamEnd, StreamStart -> { }
                    case MappingStart, SequenceStart -> {
                        CollectionStartEvent c = (CollectionStartEvent) e;
                        Frame parent = stack.peek();
                        if (parent != null && parent.expectsKey()) {
                            throw error(c, "a map key must be a string, not a " + (c instanceof MappingStartEvent ? "map" : "list"),
                                    "quote the key");
                        }
                        if (stack.size() >= limits.maxDepth()) {
                            throw error(c, "nesting deeper than " + limits.maxDepth() + " levels",
                                    "templates are never this deep; is this file generated or hostile?");
                        }
                        String wrap = c.getTag().map(CFN_TAGS::get).orElse(null);
                        String path = parent == null ? "" : parent.childPath();
                        if (wrap != null) {
                            path = Value.childPath(path, wrap);
                        }
                        stack.push(new Frame(c instanceof MappingStartEvent, path, pos(c), c.getAnchor().map(a -> a.getValue()).orElse(null), wrap));
                    }
                    case MappingEnd, SequenceEnd -> {
                        Frame f = stack.pop();
                        Value v = finish(f);
                        root = add(stack, v, f.size, f.anchor, f.pos);
                    }
                    case Scalar -> {
                        ScalarEvent s = (ScalarEvent) e;
                        Frame parent = stack.peek();
                        if (parent != null && parent.expectsKey()) {
                            key(parent, s);
                            continue;
                        }
                        String path = parent == null ? "" : parent.childPath();
                        Value v = scalar(s, path);
                        root = add(stack, v, 1, s.getAnchor().map(a -> a.getValue()).orElse(null), pos(s));
                    }
                    case Alias -> {
                        AliasEvent a = (AliasEvent) e;
                        String anchor = a.getAlias().getValue();
                        if (rejectAliases) {
                            throw error(a, "YAML aliases are not supported (cfn-guard rejects them)",
                                    "write the value out, or run without drop-in strictness");
                        }
                        Value v = anchors.get(anchor);
                        if (v == null) {
                            throw error(a, "unknown anchor *" + anchor, "define &" + anchor + " before using it");
                        }
                        Frame parent = stack.peek();
                        if (parent != null && parent.expectsKey()) {
                            if (!(v instanceof StringValue sv)) {
                                throw error(a, "a map key must be a string", "quote the key");
                            }
                            parent.pendingKey = sv.value();
                            parent.pendingKeyPos = pos(a);
                            continue;
                        }
                        root = add(stack, v, sizes.getOrDefault(v, 1L), null, pos(a));
                    }
                    default -> { }
                }
            }
        } catch (MarkedYamlEngineException ex) {
            Optional<Mark> m = ex.getProblemMark();
            int line = m.map(x -> x.getLine() + 1).orElse(1);
            int col = m.map(x -> x.getColumn() + 1).orElse(1);
            String problem = ex.getProblem() == null ? "invalid YAML" : ex.getProblem();
            String context = ex.getContext() == null ? "" : " (" + ex.getContext() + ")";
            throw LoadException.of(Diagnostic.of("input_yaml_error", SourceSpan.at(name, line, col),
                    "invalid YAML: " + problem + context, "check the indentation and quoting around this place")
                    .withSourceLine(lineText(line)),
                    "Error occurred while parsing data file " + name + ": " + problem + context + " at line " + line
                            + " column " + col);
        } catch (YamlEngineException ex) {
            String msg = ex.getMessage() == null ? "invalid YAML" : ex.getMessage().lines().findFirst().orElse("invalid YAML");
            throw LoadException.of(Diagnostic.of("input_yaml_error", SourceSpan.at(name, 1, 1), "invalid YAML: " + msg, null),
                    "Error occurred while parsing data file " + name + ": " + msg);
        }
        if (root == null) {
            throw LoadException.of(Diagnostic.of("input_yaml_error", SourceSpan.at(name, 1, 1),
                    inDocument ? "empty document" : "no document (only comments or white space)",
                    "a data file must hold a JSON or YAML document"), "Error occurred while parsing data file " + name
                    + ": empty document");
        }
        return root;
    }

    private String lineText(int line) {
        return lineText(text, line);
    }

    /** The text of a 1-based line (at most 300 characters), or null past the end; for caret excerpts. */
    public static String lineText(String text, int line) {
        int start = 0;
        for (int l = 1; l < line; l++) {
            int nl = text.indexOf('\n', start);
            if (nl < 0) {
                return null;
            }
            start = nl + 1;
        }
        int end = text.indexOf('\n', start);
        String s = text.substring(start, end < 0 ? text.length() : end);
        return s.length() > 300 ? s.substring(0, 300) : s;
    }

    /** Adds a finished value to its parent; returns it when it is the document root, else null. */
    private Value add(ArrayDeque<Frame> stack, Value v, long size, String anchor, Position pos) {
        if (anchor != null) {
            anchors.put(anchor, v);
            sizes.put(v, size);
        }
        Frame parent = stack.peek();
        if (parent == null) {
            return v;
        }
        parent.size += size;
        expanded += size;
        if (parent.size > limits.maxExpandedNodes() || expanded > limits.maxExpandedNodes() * 4) {
            throw LoadException.of(Diagnostic.of("input_yaml_error", SourceSpan.at(name, Math.max(1, pos.line()), pos.column() + 1),
                    "document expands to more than " + limits.maxExpandedNodes() + " nodes through aliases",
                    "a \"billion laughs\" document? Aliases may not multiply a document this much"),
                    "Error occurred while parsing data file " + name + ": too many alias expansions");
        }
        if (parent.isMap) {
            if (parent.pendingMerge) {
                if (parent.merges == null) {
                    parent.merges = new ArrayList<>();
                }
                parent.merges.add(v);
                parent.pendingMerge = false;
            } else {
                parent.entries.remove(parent.pendingKey); // a repeated key: the last one wins, in its new place
                parent.entries.put(parent.pendingKey, v);
                parent.keyPositions.put(parent.pendingKey, parent.pendingKeyPos);
                parent.pendingKey = null;
            }
        } else {
            parent.elements.add(v);
        }
        return null;
    }

    private void key(Frame parent, ScalarEvent s) {
        String v = s.getValue();
        boolean plain = s.isPlain() && !s.getTag().map(STR_TAG::equals).orElse(false);
        if (plain && "<<".equals(v)) {
            parent.pendingMerge = true;
            return;
        }
        if (plain && !(typed(v, "", Position.NONE) instanceof StringValue)) {
            throw error(s, "a map key must be a string, not " + describe(v), "quote the key: \"" + v + "\"");
        }
        parent.pendingKey = v;
        parent.pendingKeyPos = pos(s);
    }

    private static String describe(String plain) {
        return switch (plain) {
            case "~", "null", "Null", "NULL", "" -> "null";
            case "true", "false" -> "a boolean";
            default -> "a number (" + plain + ")";
        };
    }

    private Value scalar(ScalarEvent s, String path) {
        Position pos = pos(s);
        String tag = s.getTag().orElse(null);
        String wrap = tag == null ? null : CFN_TAGS.get(tag);
        String valuePath = wrap == null ? path : Value.childPath(path, wrap);
        Value v;
        if (!s.isPlain() || STR_TAG.equals(tag)) {
            v = new StringValue(valuePath, pos, s.getValue());
        } else {
            v = typed(s.getValue(), valuePath, pos);
        }
        if (wrap != null) {
            return new MapValue(path, pos, Map.of(wrap, v), Map.of(wrap, pos));
        }
        return v;
    }

    /** Types a plain scalar as cfn-guard 3.1.1 does. */
    static Value typed(String s, String path, Position pos) {
        if (!s.isEmpty()) {
            char c = s.charAt(0);
            if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'i' || c == 'I' || c == 'n' || c == 'N') {
                if (INT.matcher(s).matches()) {
                    try {
                        return new IntValue(path, pos, Long.parseLong(s.startsWith("+") ? s.substring(1) : s));
                    } catch (NumberFormatException e) {
                        return new FloatValue(path, pos, Double.parseDouble(s));
                    }
                }
                if (FLOAT.matcher(s).matches()) {
                    return new FloatValue(path, pos, Double.parseDouble(s));
                }
                String lower = s.toLowerCase(java.util.Locale.ROOT);
                String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
                if (FLOAT_WORDS.contains(unsigned)) {
                    double d = unsigned.equals("nan") ? Double.NaN : Double.POSITIVE_INFINITY;
                    return new FloatValue(path, pos, lower.startsWith("-") ? -d : d);
                }
            }
        }
        switch (s) {
            case "true":
                return new BoolValue(path, pos, true);
            case "false":
                return new BoolValue(path, pos, false);
            case "~", "null", "Null", "NULL":
                return new NullValue(path, pos);
            default:
                return new StringValue(path, pos, s);
        }
    }

    private Value finish(Frame f) {
        Value v;
        Position inner = f.pos;
        if (f.isMap) {
            Map<String, Value> entries = f.entries;
            Map<String, Position> keyPos = f.keyPositions;
            if (f.merges != null) {
                // "<<" merge keys: explicit keys win; among merged maps, the first listed wins
                Map<String, Value> merged = new LinkedHashMap<>();
                Map<String, Position> mergedPos = new LinkedHashMap<>();
                for (Value m : f.merges) {
                    List<Value> sources = m instanceof ListValue l ? l.elements() : List.of(m);
                    for (Value src : sources) {
                        if (!(src instanceof MapValue mv)) {
                            throw LoadException.of(Diagnostic.of("input_yaml_error",
                                    SourceSpan.at(name, Math.max(1, f.pos.line()), f.pos.column() + 1),
                                    "a << merge key takes a map or a list of maps", null), "invalid merge key");
                        }
                        mv.entries().forEach((k, x) -> {
                            if (!entries.containsKey(k) && !merged.containsKey(k)) {
                                merged.put(k, rebase(x, Value.childPath(f.path, k)));
                                mergedPos.put(k, mv.keyPosition(k));
                            }
                        });
                    }
                }
                Map<String, Value> all = new LinkedHashMap<>(merged);
                all.putAll(entries);
                Map<String, Position> allPos = new LinkedHashMap<>(mergedPos);
                allPos.putAll(keyPos);
                v = new MapValue(f.path, inner, all, allPos);
            } else {
                v = new MapValue(f.path, inner, entries, keyPos);
            }
        } else {
            v = new ListValue(f.path, inner, f.elements);
        }
        if (f.wrapKey != null) {
            String outer = f.path.substring(0, f.path.length() - f.wrapKey.length() - 1);
            return new MapValue(outer, f.pos, Map.of(f.wrapKey, v), Map.of(f.wrapKey, f.pos));
        }
        return v;
    }

    /** A merged value keeps its source position but takes the data path of its new place. */
    private static Value rebase(Value v, String path) {
        if (v.path().equals(path)) {
            return v;
        }
        return switch (v) {
            case MapValue m -> {
                Map<String, Value> e = new LinkedHashMap<>();
                Map<String, Position> k = new LinkedHashMap<>();
                m.entries().forEach((key, x) -> {
                    e.put(key, rebase(x, Value.childPath(path, key)));
                    k.put(key, m.keyPosition(key));
                });
                yield new MapValue(path, m.position(), e, k);
            }
            case ListValue l -> {
                List<Value> e = new ArrayList<>();
                for (int i = 0; i < l.size(); i++) {
                    e.add(rebase(l.get(i), Value.childPath(path, i)));
                }
                yield new ListValue(path, l.position(), e);
            }
            case StringValue s -> new StringValue(path, s.position(), s.value());
            case IntValue i -> new IntValue(path, i.position(), i.value());
            case FloatValue f -> new FloatValue(path, f.position(), f.value());
            case BoolValue b -> new BoolValue(path, b.position(), b.value());
            case NullValue n -> new NullValue(path, n.position());
            default -> v;
        };
    }

    private static Position pos(Event e) {
        return e.getStartMark().map(m -> new Position(m.getLine() + 1, m.getColumn())).orElse(Position.NONE);
    }

    private LoadException error(Event e, String msg, String hint) {
        Position p = pos(e);
        int line = Math.max(1, p.line());
        return LoadException.of(Diagnostic.of("input_yaml_error", SourceSpan.at(name, line, p.column() + 1), msg, hint)
                .withSourceLine(lineText(line)), "Error occurred while parsing data file " + name + ": " + msg);
    }

    @SuppressWarnings("unused")
    private static boolean isNode(Event e) {
        return e instanceof NodeEvent || e instanceof SequenceStartEvent;
    }
}
