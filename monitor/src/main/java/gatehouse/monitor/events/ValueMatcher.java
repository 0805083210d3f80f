package gatehouse.monitor.events;

import com.fasterxml.jackson.databind.JsonNode;
import gatehouse.core.net.Cidr;
import java.math.BigDecimal;
import java.util.List;

/**
 * One compiled alternative of a pattern's value array, tested against one leaf (non-container) value of the event.
 * String operators never match a non-string leaf, numeric ones never a non-number, as in EventBridge.
 */
sealed interface ValueMatcher {
    boolean test(JsonNode leaf);

    /** {@code 3}, {@code 3.0e2}: numeric equality of the two decimal values, never through a double. */
    record ExactNumber(BigDecimal value) implements ValueMatcher {
        @Override
        public boolean test(JsonNode leaf) {
            BigDecimal v = Numbers.decimal(leaf);
            return v != null && v.compareTo(value) == 0;
        }
    }

    /** {@code true}, {@code false}, {@code null}. */
    record ExactLiteral(JsonNode literal) implements ValueMatcher {
        @Override
        public boolean test(JsonNode leaf) {
            return leaf.getNodeType() == literal.getNodeType() && (!leaf.isBoolean() || leaf.booleanValue() == literal.booleanValue());
        }
    }

    /** {@code {"prefix": "us-"}} and, with {@code ignoreCase}, {@code {"prefix": {"equals-ignore-case": "US-"}}}. */
    record Prefix(String prefix, IgnoreCase folded) implements ValueMatcher {
        @Override
        public boolean test(JsonNode leaf) {
            if (!leaf.isTextual()) {
                return false;
            }
            return folded == null ? leaf.textValue().startsWith(prefix) : folded.matchesPrefixOf(leaf.textValue());
        }
    }

    /** {@code {"suffix": ".png"}} and its equals-ignore-case form. */
    record Suffix(String suffix, IgnoreCase folded) implements ValueMatcher {
        @Override
        public boolean test(JsonNode leaf) {
            if (!leaf.isTextual()) {
                return false;
            }
            return folded == null ? leaf.textValue().endsWith(suffix) : folded.matchesSuffixOf(leaf.textValue());
        }
    }

    /** {@code {"equals-ignore-case": "alice"}}. */
    record EqualsIgnoreCase(IgnoreCase folded) implements ValueMatcher {
        @Override
        public boolean test(JsonNode leaf) {
            return leaf.isTextual() && folded.matches(leaf.textValue());
        }
    }

    /** {@code {"wildcard": "…"}}, e.g. a path containing {@code /lib/}. */
    record WildcardMatch(Wildcard wildcard) implements ValueMatcher {
        @Override
        public boolean test(JsonNode leaf) {
            return leaf.isTextual() && wildcard.matches(leaf.textValue());
        }
    }

    /** {@code {"cidr": "10.0.0.0/24"}}: the leaf must be a bare IPv4 or IPv6 address string inside the range. */
    record CidrMatch(Cidr range) implements ValueMatcher {
        @Override
        public boolean test(JsonNode leaf) {
            if (!leaf.isTextual()) {
                return false;
            }
            String s = leaf.textValue();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                // an address, not a range, a zone or padded text: Cidr.parse is more lenient than an exact match
                if (c == '/' || c == '%' || Character.isWhitespace(c)) {
                    return false;
                }
            }
            return Cidr.parse(s).map(range::contains).orElse(false);
        }
    }

    /**
     * {@code {"numeric": [">", 0, "<=", 5]}}: bounds are exact decimals; a leaf outside AWS's numeric range
     * (±5.0e9) never matches.
     */
    record NumericRange(BigDecimal low, boolean lowOpen, BigDecimal high, boolean highOpen) implements ValueMatcher {
        @Override
        public boolean test(JsonNode leaf) {
            BigDecimal v = Numbers.decimal(leaf);
            if (v == null || !Numbers.inRange(v)) {
                return false;
            }
            if (low != null) {
                int c = v.compareTo(low);
                if (c < 0 || (c == 0 && lowOpen)) {
                    return false;
                }
            }
            if (high != null) {
                int c = v.compareTo(high);
                return c < 0 || (c == 0 && !highOpen);
            }
            return true;
        }
    }

    /**
     * {@code {"anything-but": …}}: a present leaf that none of the listed positive matchers accepts. A missing
     * field never matches, exactly as in EventBridge.
     */
    record AnythingBut(List<ValueMatcher> excluded) implements ValueMatcher {
        @Override
        public boolean test(JsonNode leaf) {
            for (ValueMatcher m : excluded) {
                if (m.test(leaf)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A string compared exactly, used inside anything-but lists (plain alternatives use a hash set instead). */
    record ExactString(String value) implements ValueMatcher {
        @Override
        public boolean test(JsonNode leaf) {
            return leaf.isTextual() && leaf.textValue().equals(value);
        }
    }
}
