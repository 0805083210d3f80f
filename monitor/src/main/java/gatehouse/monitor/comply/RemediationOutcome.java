package gatehouse.monitor.comply;

import java.util.List;

/**
 * What remediation did for one non-compliant resource.
 *
 * @param status   REMEDIATED (re-evaluated COMPLIANT), FAILED (attempts used up, still non-compliant or the
 *                 action failed), MANUAL (configured, not automatic, not requested: waiting for a person),
 *                 NOT_RUN (automatic, but remediation was disabled for this run)
 * @param attempts each attempt's one-line outcome, in order
 * @param after    the verdict of the last re-evaluation; null when none ran
 */
public record RemediationOutcome(String rule, String resourceType, String resourceId, String action, Status status,
                                 List<String> attempts, ResourceEvaluation after) {
    public RemediationOutcome {
        attempts = List.copyOf(attempts);
    }

    /** How a remediation ended. */
    public enum Status { REMEDIATED, FAILED, MANUAL, NOT_RUN }
}
