package gatehouse.monitor.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;

/**
 * A compiled pattern object: every field must match (AND) and, for each {@code $or} in it, at least one branch must
 * match. It is evaluated against one event object, or against nothing (null) when the event has no object at this
 * path, so that {@code {"exists": false}} below a missing parent still matches, as in EventBridge.
 *
 * <p>Arrays in the event are crushed: a pattern object applied to an array of objects matches when one element
 * matches all of its fields, which is EventBridge's array consistency (two fields are never satisfied by
 * different elements of the same array). Immutable and thread-safe.
 */
final class ObjectMatcher {
    final List<Field> fields;
    final List<List<ObjectMatcher>> ors;

    ObjectMatcher(List<Field> fields, List<List<ObjectMatcher>> ors) {
        this.fields = List.copyOf(fields);
        this.ors = ors.stream().map(List::copyOf).toList();
    }

    boolean matches(JsonNode object) {
        for (Field f : fields) {
            JsonNode child = object == null ? null : object.get(f.name());
            if (!f.test(child)) {
                return false;
            }
        }
        for (List<ObjectMatcher> branches : ors) {
            boolean any = false;
            for (ObjectMatcher b : branches) {
                if (b.matches(object)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    /** One field of a pattern object: either a value list (a leaf test) or a nested object. */
    sealed interface Field {
        String name();

        boolean test(JsonNode child);
    }

    /** A nested pattern object. Scalars at its path count as absent; arrays are crushed. */
    record Nested(String name, ObjectMatcher object) implements Field {
        @Override
        public boolean test(JsonNode child) {
            if (child == null || !child.isContainerNode()) {
                return object.matches(null);
            }
            if (child.isObject()) {
                return object.matches(child);
            }
            int r = anyObject(child);
            return r == MATCHED || (r == NO_OBJECT && object.matches(null));
        }

        private static final int NO_OBJECT = 0;
        private static final int SEEN = 1;
        private static final int MATCHED = 2;

        private int anyObject(JsonNode array) {
            int result = NO_OBJECT;
            for (JsonNode e : array) {
                if (e.isObject()) {
                    if (object.matches(e)) {
                        return MATCHED;
                    }
                    result = SEEN;
                } else if (e.isArray()) {
                    int r = anyObject(e);
                    if (r == MATCHED) {
                        return MATCHED;
                    }
                    result = Math.max(result, r);
                }
            }
            return result;
        }
    }

    /**
     * A value list: the field matches when one of the event's leaf values at this path (arrays crushed; objects are
     * not leaves) satisfies one alternative, or, for {@code exists}, when leaves are present or absent.
     */
    record Leaf(String name, Set<String> strings, List<ValueMatcher> others, boolean existsTrue, boolean existsFalse)
            implements Field {
        @Override
        public boolean test(JsonNode child) {
            if (child == null) {
                return existsFalse;
            }
            int r = scan(child);
            return r == MATCHED || (r == LEAF_SEEN ? existsTrue : existsFalse);
        }

        private static final int NO_LEAF = 0;
        private static final int LEAF_SEEN = 1;
        private static final int MATCHED = 2;

        private int scan(JsonNode v) {
            if (v.isArray()) {
                int result = NO_LEAF;
                for (JsonNode e : v) {
                    int r = scan(e);
                    if (r == MATCHED) {
                        return MATCHED;
                    }
                    result = Math.max(result, r);
                }
                return result;
            }
            if (v.isObject()) {
                return NO_LEAF;
            }
            if (v.isTextual() && strings.contains(v.textValue())) {
                return MATCHED;
            }
            for (ValueMatcher m : others) {
                if (m.test(v)) {
                    return MATCHED;
                }
            }
            return LEAF_SEEN;
        }
    }
}
