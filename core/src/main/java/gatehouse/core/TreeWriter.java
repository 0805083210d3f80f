package gatehouse.core;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Writes plain trees — {@code Map<String,?>} (in iteration order), {@code List<?>}, String, Long/Integer,
 * Double, Boolean and null — as YAML or pretty JSON in the exact layout of Rust's serde_yaml and serde_json,
 * which cfn-guard's structured outputs use: two-space indentation, sequences under a key not indented,
 * strings quoted only when a plain scalar would be read back as something else.
 */
public final class TreeWriter {
    private TreeWriter() {}

    // ------------------------------------------------------------------ YAML

    /** YAML document without a leading {@code ---}, ending in a newline. */
    public static String yaml(Object tree) {
        StringBuilder sb = new StringBuilder();
        if (isScalarOrEmpty(tree)) {
            sb.append(yamlScalar(tree)).append('\n');
        } else {
            yamlNode(sb, tree, 0);
        }
        return sb.toString();
    }

    private static boolean isScalarOrEmpty(Object o) {
        return !(o instanceof Map<?, ?> m && !m.isEmpty()) && !(o instanceof List<?> l && !l.isEmpty());
    }

    /** Writes a non-empty collection whose first line starts at the current position (already indented). */
    private static void yamlNode(StringBuilder sb, Object node, int indent) {
        if (node instanceof Map<?, ?> map) {
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    sb.append(" ".repeat(indent));
                }
                first = false;
                sb.append(yamlString(String.valueOf(e.getKey()))).append(':');
                Object v = e.getValue();
                if (isScalarOrEmpty(v)) {
                    sb.append(' ').append(yamlScalar(v)).append('\n');
                } else if (v instanceof List<?>) {
                    sb.append('\n').append(" ".repeat(indent));
                    yamlNode(sb, v, indent);
                } else {
                    sb.append('\n').append(" ".repeat(indent + 2));
                    yamlNode(sb, v, indent + 2);
                }
            }
        } else if (node instanceof List<?> list) {
            boolean first = true;
            for (Object item : list) {
                if (!first) {
                    sb.append(" ".repeat(indent));
                }
                first = false;
                sb.append("- ");
                if (isScalarOrEmpty(item)) {
                    sb.setLength(sb.length() - 1);
                    sb.append(' ').append(yamlScalar(item)).append('\n');
                } else {
                    yamlNode(sb, item, indent + 2);
                }
            }
        }
    }

    private static String yamlScalar(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map<?, ?>) {
            return "{}";
        }
        if (v instanceof List<?>) {
            return "[]";
        }
        if (v instanceof Boolean || v instanceof Long || v instanceof Integer) {
            return v.toString();
        }
        if (v instanceof Double d) {
            return formatDouble(d, true);
        }
        return yamlString(v.toString());
    }

    /** A string as serde_yaml writes it: plain when unambiguous, else single- or double-quoted. */
    public static String yamlString(String s) {
        if (needsDoubleQuotes(s)) {
            return doubleQuoted(s);
        }
        if (s.isEmpty() || !plainAllowed(s) || readsAsNonString(s)) {
            return "'" + s.replace("'", "''") + "'";
        }
        return s;
    }

    private static boolean needsDoubleQuotes(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == '\t' && false || (c < 0x20 && c != '\t') || c == 0x7f
                    || c == '\u0085' || c == '\u2028' || c == '\u2029' || c == '\ufeff') {
                return true;
            }
        }
        return false;
    }

    private static boolean plainAllowed(String s) {
        char first = s.charAt(0);
        char last = s.charAt(s.length() - 1);
        if (first == ' ' || last == ' ' || first == '\t' || last == '\t') {
            return false;
        }
        if ("#,[]{}&*!|>'\"%@`".indexOf(first) >= 0) {
            return false;
        }
        if ((first == '-' || first == '?' || first == ':')
                && (s.length() == 1 || s.charAt(1) == ' ' || s.charAt(1) == '\t')) {
            return false;
        }
        if (s.startsWith("---") || s.startsWith("...")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == ':' && (i + 1 == s.length() || s.charAt(i + 1) == ' ' || s.charAt(i + 1) == '\t')) {
                return false;
            }
            if (c == '#' && i > 0 && (s.charAt(i - 1) == ' ' || s.charAt(i - 1) == '\t')) {
                return false;
            }
            if (c == '\t') {
                return false;
            }
        }
        return true;
    }

    /** True when a YAML reader would take the plain scalar as null, a bool or a number. */
    private static boolean readsAsNonString(String s) {
        switch (s) {
            case "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE",
                 ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN":
                return true;
            default:
                break;
        }
        return s.matches("[-+]?(0|[1-9][0-9_]*|0[0-7]+)")
                || s.matches("[-+]?0x[0-9a-fA-F_]+") || s.matches("[-+]?0o[0-7_]+") || s.matches("[-+]?0b[01_]+")
                || s.matches("[-+]?([0-9][0-9_]*)?\\.[0-9]*([eE][-+]?[0-9]+)?")
                || s.matches("[-+]?[0-9][0-9_]*([eE][-+]?[0-9]+)")
                || s.matches("[-+]?[0-9]+");
    }

    private static String doubleQuoted(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\0' -> sb.append("\\0");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02X", (int) c));
                    } else if (c == '\u0085') {
                        sb.append("\\N");
                    } else if (c == '\u2028') {
                        sb.append("\\L");
                    } else if (c == '\u2029') {
                        sb.append("\\P");
                    } else if (c == '\ufeff') {
                        sb.append("\\uFEFF");
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    // ------------------------------------------------------------------ JSON

    /** Pretty JSON (two-space indentation, {@code "key": value}), no trailing newline. */
    public static String json(Object tree) {
        StringBuilder sb = new StringBuilder();
        jsonNode(sb, tree, 0, true);
        return sb.toString();
    }

    /** Compact JSON on one line. */
    public static String compactJson(Object tree) {
        StringBuilder sb = new StringBuilder();
        jsonNode(sb, tree, 0, false);
        return sb.toString();
    }

    private static void jsonNode(StringBuilder sb, Object v, int indent, boolean pretty) {
        if (v instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                if (pretty) {
                    sb.append('\n').append(" ".repeat(indent + 2));
                }
                jsonString(sb, String.valueOf(e.getKey()));
                sb.append(pretty ? ": " : ":");
                jsonNode(sb, e.getValue(), indent + 2, pretty);
            }
            if (pretty) {
                sb.append('\n').append(" ".repeat(indent));
            }
            sb.append('}');
        } else if (v instanceof List<?> list) {
            if (list.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                if (pretty) {
                    sb.append('\n').append(" ".repeat(indent + 2));
                }
                jsonNode(sb, item, indent + 2, pretty);
            }
            if (pretty) {
                sb.append('\n').append(" ".repeat(indent));
            }
            sb.append(']');
        } else if (v == null) {
            sb.append("null");
        } else if (v instanceof Double d) {
            sb.append(formatDouble(d, false));
        } else if (v instanceof Boolean || v instanceof Long || v instanceof Integer) {
            sb.append(v);
        } else {
            jsonString(sb, v.toString());
        }
    }

    /** Appends a JSON string literal with serde_json's escaping. */
    public static void jsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Formats a double as Rust does: shortest round-trip digits, never exponent form, {@code .0} when integral. */
    public static String formatDouble(double d, boolean yaml) {
        if (Double.isNaN(d)) {
            return yaml ? ".nan" : "null";
        }
        if (Double.isInfinite(d)) {
            return yaml ? (d > 0 ? ".inf" : "-.inf") : "null";
        }
        String plain = new BigDecimal(Double.toString(d)).toPlainString();
        if (!plain.contains(".")) {
            plain = plain + ".0";
        }
        return plain;
    }
}
