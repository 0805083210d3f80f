package gatehouse.guard.eval;

/** Three-valued outcome of a clause, rule or file: FAIL wins, SKIP is neutral. */
public enum Status {
    PASS, FAIL, SKIP;

    /** Conjunction as a file combines rules: any FAIL is FAIL, else any PASS is PASS, else SKIP. */
    public Status and(Status o) {
        if (this == FAIL || o == FAIL) {
            return FAIL;
        }
        if (this == PASS || o == PASS) {
            return PASS;
        }
        return SKIP;
    }
}
