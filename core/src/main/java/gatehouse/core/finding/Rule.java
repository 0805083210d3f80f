package gatehouse.core.finding;

import java.util.List;

/**
 * What every report says about a rule: its stable id, the decision-relevant severity and risk, and the
 * texts a reader needs to act.
 */
public record Rule(String id, String title, Severity severity, int risk, String family, String rationale,
                   String remediation, List<String> references, String helpUri) {
    public Rule {
        references = List.copyOf(references);
    }
}
