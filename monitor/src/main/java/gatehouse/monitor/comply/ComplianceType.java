package gatehouse.monitor.comply;

/**
 * AWS Config's compliance values. From Guard's verdict: PASS is COMPLIANT, FAIL is NON_COMPLIANT; SKIP (no
 * clause applied) is COMPLIANT when the rule names its resource types ({@code @resource}) and this resource is
 * one of them — in scope, nothing violated, as Config would say — and NOT_APPLICABLE otherwise. Resources of
 * other types and deleted resources are NOT_APPLICABLE without evaluation.
 */
public enum ComplianceType {
    NON_COMPLIANT, COMPLIANT, NOT_APPLICABLE;

    /** A rule's compliance from its resources': NON_COMPLIANT wins, then COMPLIANT, else NOT_APPLICABLE. */
    public ComplianceType and(ComplianceType o) {
        if (this == NON_COMPLIANT || o == NON_COMPLIANT) {
            return NON_COMPLIANT;
        }
        return this == COMPLIANT || o == COMPLIANT ? COMPLIANT : NOT_APPLICABLE;
    }
}
