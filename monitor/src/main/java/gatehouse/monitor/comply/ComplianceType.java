package gatehouse.monitor.comply;

/**
 * AWS Config's compliance values. Guard's verdict maps one to one: PASS is COMPLIANT, FAIL is NON_COMPLIANT,
 * SKIP (the rule's {@code when} did not hold: no resource of its kind) is NOT_APPLICABLE.
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
