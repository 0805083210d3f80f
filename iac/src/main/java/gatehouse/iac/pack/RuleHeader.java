package gatehouse.iac.pack;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code # @key value} header of a rule file (see docs/rule-pack.md). A value continues on following
 * lines that start with {@code #} and at least two spaces.
 */
public final class RuleHeader {
    public static final List<String> REQUIRED = List.of("id", "rule", "title", "severity", "risk", "family", "resource",
            "rationale", "remediation", "references");
    public static final Set<String> KNOWN = Set.of("id", "rule", "title", "severity", "risk", "family", "resource",
            "rationale", "remediation", "references", "config");

    private RuleHeader() {}

    /**
     * The header's keys in order; empty when the file has no header. Unknown keys are an error.
     *
     * @throws InputException for an unknown or repeated key
     */
    public static Map<String, String> parse(String file, String text) {
        Map<String, String> out = new LinkedHashMap<>();
        String key = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].stripTrailing();
            if (line.startsWith("# @")) {
                int sp = line.indexOf(' ', 3);
                key = sp < 0 ? line.substring(3) : line.substring(3, sp);
                if (!KNOWN.contains(key)) {
                    throw new InputException(new Diagnostic("rule_header", SourceSpan.at(file, i + 1, 4),
                            "unknown header key @" + key, "known keys: " + String.join(", ", REQUIRED) + ", config", line));
                }
                if (out.containsKey(key)) {
                    throw new InputException(new Diagnostic("rule_header", SourceSpan.at(file, i + 1, 4),
                            "header key @" + key + " given twice", "keep one", line));
                }
                out.put(key, sp < 0 ? "" : line.substring(sp + 1).strip());
            } else if (key != null && line.startsWith("#  ")) {
                out.put(key, (out.get(key) + " " + line.substring(1).strip()).strip());
            } else if (line.startsWith("#") || line.isBlank()) {
                key = null;
            } else {
                break; // the header ends with the first line of Guard
            }
        }
        return out;
    }
}
