package gatehouse.guard.eval.internal;

import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * For one collection (the values of a map or the elements of a list) and one key path such as
 * {@code Type}: which members hold which string there. Filters of the form {@code [ Type == 'X' ]} — the
 * shape nearly every rule starts with — then select their members by lookup instead of evaluating the
 * clause on every member, once per rule file.
 *
 * <p>Only members whose value at the path is reached by exact keys through maps and is a string are
 * indexed; every other member ({@link #opaque}) is left to the general evaluator, so verdicts cannot differ.
 */
public final class FieldIndex {
    /** Below this size an index costs more than it saves. */
    static final int MIN_SIZE = 8;

    final Value[] members;
    /** The string at the path for each member, or null where the general evaluator must decide. */
    final String[] keys;
    final boolean anyOpaque;
    private final Map<String, int[]> positions;

    private FieldIndex(Value container, List<String> path) {
        List<Value> ms = container instanceof MapValue m ? new ArrayList<>(m.entries().values())
                : ((ListValue) container).elements();
        members = ms.toArray(Value[]::new);
        keys = new String[members.length];
        Map<String, List<Integer>> pos = new HashMap<>();
        boolean opaque = false;
        for (int i = 0; i < members.length; i++) {
            Value v = members[i];
            for (String k : path) {
                v = v instanceof MapValue m ? m.get(k) : null;
                if (v == null) {
                    break;
                }
            }
            if (v instanceof StringValue s) {
                keys[i] = s.value();
                pos.computeIfAbsent(s.value(), x -> new ArrayList<>()).add(i);
            } else {
                opaque = true;
            }
        }
        anyOpaque = opaque;
        positions = new HashMap<>(pos.size() * 2);
        pos.forEach((k, l) -> positions.put(k, l.stream().mapToInt(Integer::intValue).toArray()));
    }

    /** Positions of the members holding {@code key}, ascending. */
    int[] positionsOf(String key) {
        int[] p = positions.get(key);
        return p == null ? new int[0] : p;
    }

    /** Indexes of one document, shared by every rule file evaluated against it; thread-safe. */
    public static final class Cache {
        private record Key(Value container, List<String> path) {
            @Override public boolean equals(Object o) {
                return o instanceof Key k && k.container == container && k.path.equals(path);
            }

            @Override public int hashCode() {
                return System.identityHashCode(container) * 31 + path.hashCode();
            }
        }

        private final Map<Key, FieldIndex> indexes = new ConcurrentHashMap<>();

        public Cache() {}

        FieldIndex of(Value container, List<String> path) {
            return indexes.computeIfAbsent(new Key(container, path), k -> new FieldIndex(k.container, k.path));
        }
    }
}
