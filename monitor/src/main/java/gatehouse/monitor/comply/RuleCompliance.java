package gatehouse.monitor.comply;

import java.util.List;

/** One row of the compliance table: a rule, its overall compliance and its verdict on every resource in scope. */
public record RuleCompliance(String rule, String title, List<ResourceEvaluation> evaluations) {
    public RuleCompliance {
        evaluations = List.copyOf(evaluations);
    }

    /** NON_COMPLIANT if any resource is, else COMPLIANT if any is, else NOT_APPLICABLE. */
    public ComplianceType compliance() {
        ComplianceType t = ComplianceType.NOT_APPLICABLE;
        for (ResourceEvaluation e : evaluations) {
            t = t.and(e.compliance());
        }
        return t;
    }

    public long count(ComplianceType t) {
        return evaluations.stream().filter(e -> e.compliance() == t).count();
    }
}
