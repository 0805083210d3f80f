package gatehouse.monitor.comply;

import java.util.Objects;

/**
 * One rule's verdict on one resource, like a Config {@code EvaluationResult}.
 *
 * @param annotation why (the first failing clause's message for NON_COMPLIANT; "deleted", "type not in scope"
 *                   for NOT_APPLICABLE); at most {@link #MAX_ANNOTATION} characters, as Config's
 * @param source     the input file and line of the resource
 */
public record ResourceEvaluation(String resourceType, String resourceId, String region, String account,
                                 ComplianceType compliance, String annotation, String source, int line) {
    public static final int MAX_ANNOTATION = 256;

    public ResourceEvaluation {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(compliance, "compliance");
        annotation = annotation == null ? "" : annotation.length() > MAX_ANNOTATION
                ? annotation.substring(0, MAX_ANNOTATION - 1) + "…" : annotation;
    }

    public ResourceEvaluation with(ComplianceType c, String why) {
        return new ResourceEvaluation(resourceType, resourceId, region, account, c, why, source, line);
    }
}
