package gatehouse.monitor.comply;

import java.util.ArrayList;
import java.util.List;

/**
 * The compliance table and what remediation did to it.
 *
 * @param rules        one row per rule, in rule order; after remediation the remediated resources' verdicts are
 *                     their re-evaluation's
 * @param resources    how many resources were read
 * @param inputs       the input files, as given
 * @param remediations one outcome per remediation considered, in table order
 */
public record ComplianceReport(List<RuleCompliance> rules, int resources, List<String> inputs,
                               List<RemediationOutcome> remediations) {
    /** JSON report schema version (docs/comply.md). */
    public static final int SCHEMA_VERSION = 1;

    public ComplianceReport {
        rules = List.copyOf(rules);
        inputs = List.copyOf(inputs);
        remediations = List.copyOf(remediations);
    }

    /** Whether any rule is NON_COMPLIANT (the command's exit 1). */
    public boolean nonCompliant() {
        return rules.stream().anyMatch(r -> r.compliance() == ComplianceType.NON_COMPLIANT);
    }

    public long rulesWith(ComplianceType t) {
        return rules.stream().filter(r -> r.compliance() == t).count();
    }

    /** This report with remediation outcomes and each remediated resource's new verdict applied. */
    public ComplianceReport withRemediations(List<RemediationOutcome> outcomes) {
        List<RuleCompliance> rows = new ArrayList<>();
        for (RuleCompliance rc : rules) {
            List<ResourceEvaluation> evs = new ArrayList<>();
            for (ResourceEvaluation e : rc.evaluations()) {
                ResourceEvaluation now = e;
                for (RemediationOutcome o : outcomes) {
                    if (o.rule().equals(rc.rule()) && o.resourceType().equals(e.resourceType()) && o.resourceId().equals(e.resourceId())
                            && o.after() != null) {
                        now = o.after();
                    }
                }
                evs.add(now);
            }
            rows.add(new RuleCompliance(rc.rule(), rc.title(), evs));
        }
        List<RemediationOutcome> all = new ArrayList<>(remediations);
        all.addAll(outcomes);
        return new ComplianceReport(rows, resources, inputs, all);
    }
}
