package gatehouse.monitor.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The parts of each record a consumer reads, so that a reader builds those and skips the rest of the record unparsed:
 * a tree of property names and array indexes (the paths of the metric filters' selectors, see
 * {@code FilterPattern.jsonPaths()}), plus whole top-level fields for consumers that name fields only.
 *
 * <p>A record read through a projection contains, for each path, the nodes along it: a string, number, boolean or
 * null as in the input; an object or array as a container holding only the projected children (empty when the path
 * ends there); an array's unprojected elements before a projected index as {@code null} placeholders. Where a name
 * occurs twice in an object, the last occurrence wins, as when the whole record is read. The record's
 * {@code eventID}, {@code eventTime} and {@code @timestamp} are always kept (the reader needs them), and an
 * EventBridge envelope's {@code detail-type} and {@code detail} whole. Immutable.
 */
public final class Projection {
    /** Top-level fields every record keeps whole, whatever the projection: identity, time and an envelope's parts. */
    static final Set<String> ALWAYS = Set.of("eventID", "eventTime", "@timestamp", "detail-type", "detail");

    final Node root;
    private final Set<String> roots;

    private Projection(Node root) {
        this.root = root;
        Set<String> r = new LinkedHashSet<>();
        for (Node n : root.named) {
            r.add(n.name);
        }
        this.roots = Set.copyOf(r);
    }

    /**
     * A projection onto these paths: each a list of steps, a property name ({@code String}) or an array index
     * ({@code Integer}); a path must start with a name.
     */
    public static Projection of(Collection<? extends List<?>> paths) {
        Node root = new Node(null);
        for (List<?> path : paths) {
            if (path.isEmpty() || !(path.get(0) instanceof String)) {
                throw new IllegalArgumentException("a path starts with a property name: " + path);
            }
            Node n = root;
            for (Object step : path) {
                n = switch (Objects.requireNonNull(step, "step")) {
                    case String s -> n.named(s);
                    case Integer i when i >= 0 -> n.indexed(i);
                    default -> throw new IllegalArgumentException("a step is a name or an index >= 0: " + step);
                };
            }
        }
        for (String f : ALWAYS) {
            root.named(f).whole = true;
        }
        return new Projection(root);
    }

    /** A projection that keeps these top-level fields whole (and the {@link #ALWAYS} ones). */
    public static Projection ofFields(Set<String> fields) {
        List<List<String>> paths = new ArrayList<>();
        for (String f : fields) {
            paths.add(List.of(f));
        }
        Projection p = of(paths);
        for (Node n : p.root.named) {
            n.whole = true;
        }
        return p;
    }

    /** The top-level fields the projection reads (partly or whole). */
    public Set<String> roots() {
        return roots;
    }

    /** One step of the tree. Mutable only while {@link #of} builds it. */
    static final class Node {
        private static final Node[] NONE = new Node[0];

        final String name;
        /** The name in UTF-8, as it appears between the quotes of a key without escapes. */
        final byte[] utf8;
        /** Children by property name. */
        Node[] named = NONE;
        /** Children by array index (null where none), or null when no index is projected. */
        Node[] indexed;
        /** Keep the whole value (built as when reading the whole record). */
        boolean whole;

        Node(String name) {
            this.name = name;
            this.utf8 = name == null ? null : name.getBytes(StandardCharsets.UTF_8);
        }

        Node named(String s) {
            for (Node c : named) {
                if (c.name.equals(s)) {
                    return c;
                }
            }
            Node c = new Node(s);
            named = Arrays.copyOf(named, named.length + 1);
            named[named.length - 1] = c;
            return c;
        }

        Node indexed(int i) {
            if (indexed == null || indexed.length <= i) {
                indexed = indexed == null ? new Node[i + 1] : Arrays.copyOf(indexed, i + 1);
            }
            if (indexed[i] == null) {
                indexed[i] = new Node(null);
            }
            return indexed[i];
        }

        /** The child named by {@code b[from, to)} (UTF-8 bytes of a key without escapes), or null. */
        Node child(byte[] b, int from, int to) {
            int len = to - from;
            for (Node c : named) {
                byte[] u = c.utf8;
                if (u.length == len && (len == 0 || b[from] == u[0]) && Arrays.equals(b, from, to, u, 0, len)) {
                    return c;
                }
            }
            return null;
        }

        boolean hasNamed() {
            return named.length > 0;
        }
    }
}
