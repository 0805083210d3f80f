package gatehouse.guard.eval.internal;

import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * cfn-guard's fallback for a missing map key: it retries the key converted to camel, class, kebab, pascal,
 * snake, title and train case (so {@code bucket_name} finds {@code BucketName}).
 */
final class KeyCase {
    private KeyCase() {}

    static Value fallback(MapValue m, String key) {
        List<String> words = words(key);
        if (words.isEmpty()) {
            return null;
        }
        for (String candidate : new String[] {camel(words), pascal(words), join(words, "-", false),
                join(words, "_", false), join(words, " ", true), join(words, "-", true)}) {
            if (!candidate.equals(key)) {
                Value v = m.get(candidate);
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    /** Splits on separators and lower-to-upper case boundaries; words are lower-case. */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '_' || c == '-' || c == ' ' || c == '.') {
                flush(out, w);
                continue;
            }
            if (Character.isUpperCase(c) && w.length() > 0
                    && (Character.isLowerCase(s.charAt(i - 1)) || Character.isDigit(s.charAt(i - 1))
                        || (i + 1 < s.length() && Character.isLowerCase(s.charAt(i + 1))))) {
                flush(out, w);
            }
            w.append(Character.toLowerCase(c));
        }
        flush(out, w);
        return out;
    }

    private static void flush(List<String> out, StringBuilder w) {
        if (w.length() > 0) {
            out.add(w.toString());
            w.setLength(0);
        }
    }

    private static String cap(String w) {
        return w.isEmpty() ? w : w.substring(0, 1).toUpperCase(Locale.ROOT) + w.substring(1);
    }

    private static String camel(List<String> words) {
        StringBuilder sb = new StringBuilder(words.get(0));
        for (int i = 1; i < words.size(); i++) {
            sb.append(cap(words.get(i)));
        }
        return sb.toString();
    }

    private static String pascal(List<String> words) {
        StringBuilder sb = new StringBuilder();
        words.forEach(w -> sb.append(cap(w)));
        return sb.toString();
    }

    private static String join(List<String> words, String sep, boolean capitalise) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            if (sb.length() > 0) {
                sb.append(sep);
            }
            sb.append(capitalise ? cap(w) : w);
        }
        return sb.toString();
    }
}
