package gatehouse.monitor.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/** Numbers as EventBridge compares them: exact decimals, numeric matching limited to ±5.0e9 with 6 decimals. */
final class Numbers {
    static final BigDecimal LIMIT = new BigDecimal("5000000000");
    static final int MAX_DECIMALS = 6;

    private Numbers() {}

    /** The leaf's exact decimal value, or null when it is not a JSON number. */
    static BigDecimal decimal(JsonNode leaf) {
        if (!leaf.isNumber()) {
            return null;
        }
        if (leaf.canConvertToExactIntegral() && leaf.canConvertToLong()) {
            return BigDecimal.valueOf(leaf.longValue());
        }
        if (leaf.isDouble() || leaf.isFloat()) {
            double d = leaf.doubleValue();
            // JSON has no NaN or infinity, but a caller-built tree might
            return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
        }
        return leaf.decimalValue();
    }

    static boolean inRange(BigDecimal v) {
        return v.abs().compareTo(LIMIT) <= 0;
    }

    static boolean withinPrecision(BigDecimal v) {
        return v.stripTrailingZeros().scale() <= MAX_DECIMALS;
    }
}
