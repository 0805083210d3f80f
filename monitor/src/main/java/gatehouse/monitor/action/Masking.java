package gatehouse.monitor.action;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Removes secrets from text an action captured before it is shown, stored or audited: the exact values the
 * action was given as secrets (webhook keys, environment values marked secret), and tokens that look like
 * credentials whatever their origin (AWS access key ids, {@code Authorization: Bearer …}, {@code password=…}).
 * Thread-safe and immutable.
 */
public final class Masking {
    /** What a masked value is replaced with. */
    public static final String MASK = "****";
    // group 1 / group 2: a label kept in the output so the reader knows what was hidden
    private static final Pattern PATTERNS = Pattern.compile(
            "(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}"
                    + "|((?i)bearer\\s+)[A-Za-z0-9._~+/=-]{8,}"
                    + "|((?i)(?:password|passwd|secret|token|api[_-]?key)\\s*[=:]\\s*)[^\\s\"',;]{4,}");
    private final List<String> values;

    /** @param secretValues exact strings to hide; values shorter than 4 characters are ignored (they would hide too much) */
    public Masking(Collection<String> secretValues) {
        List<String> v = new ArrayList<>();
        for (String s : secretValues) {
            if (s != null && s.length() >= 4) {
                v.add(s);
            }
        }
        v.sort(Comparator.comparingInt(String::length).reversed()); // longest first: a secret may contain another
        this.values = List.copyOf(v);
    }

    /** Masks nothing but the credential-shaped patterns. */
    public static Masking patternsOnly() {
        return new Masking(List.of());
    }

    /** The text with every secret value and credential-shaped token replaced by {@link #MASK}. */
    public String apply(String text) {
        if (text == null || text.isEmpty()) {
            return "";
        }
        String out = text;
        for (String s : values) {
            out = out.replace(s, MASK);
        }
        com.google.re2j.Matcher m = PATTERNS.matcher(out);
        StringBuilder sb = new StringBuilder(out.length());
        int last = 0;
        while (m.find()) {
            String label = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : "";
            sb.append(out, last, m.start()).append(label).append(MASK);
            last = m.end();
        }
        sb.append(out, last, out.length());
        return sb.toString();
    }
}
