package gatehouse.monitor.comply;

import gatehouse.guard.ast.RulesFile;
import java.util.List;
import java.util.Objects;

/**
 * A Guard rule used as a Config-style rule: its id in the compliance table, the Guard rule whose verdict is
 * the resource's compliance, and the file it lives in. Front-ends build these from the same rule files
 * {@code gatehouse scan} loads (headers, {@code gh_include}s and all), so one policy serves both.
 *
 * @param id            the name in the table ({@code GH-S3-001}, {@code s3-bucket-versioning-enabled})
 * @param title         one line, may be empty
 * @param guardRule     the rule name inside {@code file}
 * @param resourceTypes the types the rule is about (a header's {@code @resource}); empty: let Guard decide.
 *                      {@link #ACCOUNT} makes it an account-level rule, evaluated once per account over all its
 *                      resources, as AWS Config does for periodic rules such as cloudtrail-enabled
 * @param remediation   the rule author's fix advice, may be empty
 */
public record ComplianceRule(String id, String title, String guardRule, RulesFile file, List<String> resourceTypes,
                             String remediation) {
    /** Config's resource type for account-level evaluations. */
    public static final String ACCOUNT = "AWS::::Account";

    public ComplianceRule {
        Objects.requireNonNull(id, "id");
        title = Objects.requireNonNullElse(title, "");
        Objects.requireNonNull(guardRule, "guardRule");
        Objects.requireNonNull(file, "file");
        resourceTypes = List.copyOf(resourceTypes);
        remediation = Objects.requireNonNullElse(remediation, "");
    }

    public boolean accountLevel() {
        return resourceTypes.contains(ACCOUNT);
    }

    /** Whether a resource of {@code type} is in scope without asking Guard. */
    public boolean covers(String type) {
        return resourceTypes.isEmpty() || resourceTypes.contains(type);
    }
}
