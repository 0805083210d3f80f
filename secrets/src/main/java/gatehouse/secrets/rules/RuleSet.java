package gatehouse.secrets.rules;

import java.util.List;

/** The rules a scan runs and the allowlists that apply to all of them (or to their {@code targetRules}). */
public record RuleSet(String title, List<SecretRule> rules, List<Allowlist> allowlists) {
    public RuleSet {
        rules = List.copyOf(rules);
        allowlists = List.copyOf(allowlists);
    }
}
