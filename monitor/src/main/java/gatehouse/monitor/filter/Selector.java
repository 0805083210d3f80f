package gatehouse.monitor.filter;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A compiled JSON property selector: {@code $.a.b}, {@code $.a[0].id}, {@code $.c[0][1]}. {@code $} is the root
 * object; names are alphanumerics, {@code -} and {@code _}; indexes are zero-based and follow a property (AWS:
 * "Array elements are denoted with [NUMBER] syntax, and must follow a property").
 *
 * @param text the selector as written
 * @param names per step, the property name, or {@code null} for an index step
 * @param indexes per step, the array index (ignored for name steps)
 */
record Selector(String text, String[] names, int[] indexes) {
    /** The node the selector reaches, or {@code null} when a step is missing or of the wrong kind. */
    JsonNode resolve(JsonNode root) {
        JsonNode cur = root;
        for (int i = 0; i < names.length && cur != null; i++) {
            String n = names[i];
            if (n != null) {
                cur = cur.isObject() ? cur.get(n) : null;
            } else {
                cur = cur.isArray() ? cur.get(indexes[i]) : null;
            }
        }
        return cur;
    }
}
