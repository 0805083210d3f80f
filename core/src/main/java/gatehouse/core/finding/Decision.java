package gatehouse.core.finding;

/**
 * A gate's verdict on a set of findings: {@code outcome} and, in a sentence, why (e.g. "total risk 58 >= 50").
 */
public record Decision(Outcome outcome, int totalRisk, String reason) {
    public enum Outcome {
        PASS, NEEDS_APPROVAL, FAIL;

        /** Exit code of a gate: 0 pass, 1 otherwise (needs approval stops an unattended pipeline too). */
        public int exitCode() {
            return this == PASS ? 0 : 1;
        }
    }
}
