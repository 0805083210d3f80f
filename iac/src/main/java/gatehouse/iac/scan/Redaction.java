package gatehouse.iac.scan;

import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.core.finding.Finding;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps secrets out of reports: a value a secrets rule flagged is shown as its first two characters and
 * a mask, wherever it appears (finding text, source snippets, HTML excerpts).
 */
final class Redaction {
    private Redaction() {}

    static String mask(String secret) {
        return secret.length() <= 4 ? "****" : secret.substring(0, 2) + "****";
    }

    static String redact(String text, String secret) {
        if (secret == null || secret.length() < 3 || text == null) {
            return text;
        }
        return text.replace(secret, mask(secret));
    }

    private static final java.util.regex.Pattern SECRET_KEY =
            java.util.regex.Pattern.compile("(?i).*(password|passwd|secret|token|api_?key|private_?key|credential).*");

    /** Literal strings held under secret-looking keys anywhere in the template (dynamic references excluded). */
    static List<String> secretValues(Value v, String key, List<String> out, int depth) {
        if (depth > 200) {
            return out;
        }
        switch (v) {
            case MapValue m -> m.entries().forEach((k, c) -> secretValues(c, k, out, depth + 1));
            case ListValue l -> l.elements().forEach(c -> secretValues(c, key, out, depth + 1));
            case StringValue s -> {
                if (key != null && SECRET_KEY.matcher(key).matches() && s.value().length() >= 4
                        && !s.value().startsWith("{{resolve:") && !s.value().startsWith("arn:")) {
                    out.add(s.value());
                }
            }
            default -> { }
        }
        return out;
    }

    /** {@code findings} with every secret value masked in their messages and snippets. */
    static List<Finding> redactFindings(List<Finding> findings, List<String> secrets) {
        if (secrets.isEmpty()) {
            return findings;
        }
        List<Finding> out = new ArrayList<>(findings.size());
        for (Finding f : findings) {
            String msg = f.message();
            String snip = f.snippet();
            for (String s : secrets) {
                msg = redact(msg, s);
                snip = redact(snip, s);
            }
            out.add(new Finding(f.rule(), msg, f.location(), snip, f.provenance(), f.fingerprint(), f.suppression()));
        }
        return out;
    }

    /**
     * {@code text} with every value flagged by a secrets finding, or in {@code keyed} (the values under
     * secret-looking keys, from {@link #secretValues}), masked.
     */
    static String redactSecrets(String text, Value template, List<Finding> findings, List<String> keyed) {
        List<String> secrets = new ArrayList<>(keyed);
        for (Finding f : findings) {
            if (f.rule().family().equals("secrets")) {
                Value v = at(template, f.location().path());
                if (v instanceof StringValue s) {
                    secrets.add(s.value());
                }
            }
        }
        String out = text;
        for (String s : secrets) {
            out = redact(out, s);
        }
        return out;
    }

    private static Value at(Value root, String path) {
        Value v = root;
        for (String p : path.split("/")) {
            if (p.isEmpty()) {
                continue;
            }
            if (v instanceof MapValue m) {
                v = m.get(p);
            } else if (v instanceof ListValue l && p.chars().allMatch(Character::isDigit) && Integer.parseInt(p) < l.size()) {
                v = l.get(Integer.parseInt(p));
            } else {
                return null;
            }
            if (v == null) {
                return null;
            }
        }
        return v;
    }
}
