package gatehouse.monitor.filter;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The right-hand side of a condition. {@link #json} receives what the selector reached ({@code null} when it
 * reached nothing); {@link #text} receives a space-delimited field. The rules (docs/filter-patterns.md):
 * comparisons need a value node (string, number or boolean) and never match a missing field, {@code null}, an
 * object or an array, with {@code =} and {@code !=} alike (AWS: "both {$.users = 1} and {$.users != 1} will fail
 * to match a log event where users is an array").
 */
sealed interface Test {
    boolean json(JsonNode node);

    boolean text(String value);

    /** Whether a node is a value the comparisons may look at. */
    static boolean scalar(JsonNode n) {
        return n != null && (n.isTextual() || n.isNumber() || n.isBoolean());
    }

    /** The text a string comparison sees for a value node. */
    static String textOf(JsonNode n) {
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue() ? "true" : "false";
        }
        return n.asText();
    }

    /** How a string value uses the {@code *} wildcard (AWS: at the start, at the end, or both; never inside). */
    enum Wild { EXACT, PREFIX, SUFFIX, CONTAINS, ANY }

    /** {@code = "text"}, {@code != text*}, {@code = *}: string equality with wildcards at the ends. */
    record Str(Wild wild, String core, boolean negate) implements Test {
        static Str of(String value, boolean negate) {
            if (value.equals("*")) {
                return new Str(Wild.ANY, "", negate);
            }
            boolean lead = value.startsWith("*");
            boolean trail = value.length() > 1 && value.endsWith("*");
            String core = value.substring(lead ? 1 : 0, value.length() - (trail ? 1 : 0));
            Wild w = lead && trail ? Wild.CONTAINS : lead ? Wild.SUFFIX : trail ? Wild.PREFIX : Wild.EXACT;
            return new Str(w, core, negate);
        }

        boolean hit(String s) {
            return switch (wild) {
                case EXACT -> s.equals(core);
                case PREFIX -> s.startsWith(core);
                case SUFFIX -> s.endsWith(core);
                case CONTAINS -> s.contains(core);
                case ANY -> true;
            };
        }

        @Override
        public boolean json(JsonNode n) {
            return scalar(n) && (negate ? !hit(textOf(n)) : hit(textOf(n)));
        }

        @Override
        public boolean text(String s) {
            return negate ? !hit(s) : hit(s);
        }
    }

    /** The numeric operators. */
    enum Op {
        EQ("="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        boolean apply(double a, double b) {
            return switch (this) {
                case EQ -> a == b;
                case NE -> a != b;
                case LT -> a < b;
                case LE -> a <= b;
                case GT -> a > b;
                case GE -> a >= b;
            };
        }
    }

    /**
     * {@code > 1000}, {@code = 1e-3}: compares JSON numbers, and strings that are plain decimal numbers (AWS:
     * "Strings containing scientific notation are not supported"); anything else never matches.
     */
    record Num(Op op, double value) implements Test {
        @Override
        public boolean json(JsonNode n) {
            if (n == null) {
                return false;
            }
            if (n.isNumber()) {
                return op.apply(n.doubleValue(), value);
            }
            return n.isTextual() && text(n.textValue());
        }

        @Override
        public boolean text(String s) {
            double d = Numbers.plainDecimal(s);
            return !Double.isNaN(d) && op.apply(d, value);
        }
    }

    /** {@code = %regex%} / {@code != %regex%}: an unanchored RE2 search over the value's text. */
    record Regex(com.google.re2j.Pattern regex, boolean negate) implements Test {
        @Override
        public boolean json(JsonNode n) {
            return scalar(n) && (regex.matcher(textOf(n)).find() != negate);
        }

        @Override
        public boolean text(String s) {
            return regex.matcher(s).find() != negate;
        }
    }

    /** {@code IS NULL}, {@code IS TRUE}, {@code IS FALSE}, {@code NOT EXISTS}: JSON patterns only. */
    enum Is implements Test {
        NULL, TRUE, FALSE, NOT_EXISTS;

        @Override
        public boolean json(JsonNode n) {
            return switch (this) {
                case NULL -> n != null && n.isNull();
                case TRUE -> n != null && n.isBoolean() && n.booleanValue();
                case FALSE -> n != null && n.isBoolean() && !n.booleanValue();
                case NOT_EXISTS -> n == null;
            };
        }

        @Override
        public boolean text(String value) {
            throw new IllegalStateException("the parser allows " + this + " in JSON patterns only");
        }
    }
}
