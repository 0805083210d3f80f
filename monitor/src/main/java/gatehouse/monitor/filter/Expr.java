package gatehouse.monitor.filter;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A boolean condition tree of a JSON pattern or of one slot of a space-delimited pattern. {@code root} is the
 * event's JSON object (JSON patterns), {@code fields} the values of the declared fields by declaration order
 * (space-delimited patterns); each node reads the one it was built for. Evaluation allocates nothing except
 * where a number has to be rendered as text for a string comparison.
 */
sealed interface Expr {
    boolean eval(JsonNode root, String[] fields);

    /** {@code a && b && ...}: short-circuits left to right. */
    record And(Expr[] items) implements Expr {
        @Override
        public boolean eval(JsonNode root, String[] fields) {
            for (Expr e : items) {
                if (!e.eval(root, fields)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code a || b || ...}: short-circuits left to right. */
    record Or(Expr[] items) implements Expr {
        @Override
        public boolean eval(JsonNode root, String[] fields) {
            for (Expr e : items) {
                if (e.eval(root, fields)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** {@code $.a.b[0] OP value}, {@code IS NULL}, {@code NOT EXISTS}, ... on a JSON selector. */
    record JsonCond(Selector selector, Test test) implements Expr {
        @Override
        public boolean eval(JsonNode root, String[] fields) {
            return test.json(selector.resolve(root));
        }
    }

    /**
     * {@code $.x = "A" || $.x = "B" || ...} folded into one lookup: the selector is resolved once and its text looked
     * up in a hash set. The CIS filters are mostly such lists of event names; the fold makes them one map lookup
     * instead of one per alternative. Same verdicts as the {@link Or} it replaces (the alternatives have no side
     * effects, so their order does not matter).
     */
    record JsonIn(Selector selector, java.util.Set<String> values) implements Expr {
        @Override
        public boolean eval(JsonNode root, String[] fields) {
            JsonNode n = selector.resolve(root);
            return Test.scalar(n) && values.contains(Test.textOf(n));
        }
    }

    /** {@code name OP value} on a field of a space-delimited event. */
    record FieldCond(int field, String name, Test test) implements Expr {
        @Override
        public boolean eval(JsonNode root, String[] fields) {
            return test.text(fields[field]);
        }
    }
}
