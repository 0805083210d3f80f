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

    /** {@code text} with every value flagged by a secrets finding masked. */
    static String redactSecrets(String text, Value template, List<Finding> findings) {
        List<String> secrets = new ArrayList<>();
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
