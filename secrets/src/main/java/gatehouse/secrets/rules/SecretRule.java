package gatehouse.secrets.rules;

import java.util.List;
import java.util.Locale;

/**
 * One detection rule, in gitleaks' model: a regex (RE2 syntax, run on RE2/J: linear time), the capture group
 * holding the secret, a minimum Shannon entropy, keywords (lower case; the rule runs only on text containing
 * one), an optional path regex (alone: the file itself is the finding), tags and allowlists.
 *
 * @param secretGroup 0: the first non-empty group, or the whole match when the regex has no group
 * @param entropy     0: no entropy check; else the secret's entropy must exceed it
 */
public record SecretRule(String id, String description, Regex regex, int secretGroup, double entropy,
                         List<String> keywords, Regex path, List<String> tags, List<Allowlist> allowlists) {
    public SecretRule {
        keywords = keywords.stream().map(k -> k.toLowerCase(Locale.ROOT)).distinct().toList();
        tags = List.copyOf(tags);
        allowlists = List.copyOf(allowlists);
    }

    /** The provider family: the id up to its first '-' ({@code github-pat} → {@code github}). */
    public String family() {
        int dash = id.indexOf('-');
        return dash < 0 ? id : id.substring(0, dash);
    }

    /** Whether the rule's tags declare a token checksum Gatehouse can verify ({@code checksum:github}). */
    public String checksum() {
        for (String t : tags) {
            if (t.startsWith("checksum:")) {
                return t.substring("checksum:".length());
            }
        }
        return "";
    }

    /** A rule is "generic" (gitleaks: its secret must then contain a digit) when its id starts so. */
    public boolean generic() {
        return id.startsWith("generic");
    }
}
