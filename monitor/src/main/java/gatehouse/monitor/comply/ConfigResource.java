package gatehouse.monitor.comply;

import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Position;
import java.util.Objects;

/**
 * One resource's configuration as read from an input: an AWS Config configuration item (either field
 * spelling, normalised to the API one) or one element of a describe call's output.
 *
 * @param type     the CloudFormation / Config resource type ({@code AWS::S3::Bucket}), or {@code Describe::<Key>}
 *                 for an element of an unrecognised describe output
 * @param id       the resource id (Config's {@code resourceId}; for describe outputs the type's id field)
 * @param region   the AWS region, or "" when the input does not say
 * @param account  the AWS account id, or ""
 * @param status   Config's {@code configurationItemStatus} (OK, ResourceDiscovered, ResourceDeleted, …); "" for
 *                 describe outputs
 * @param source   the input file it came from
 * @param position where the item starts in that file
 * @param document the normalised configuration item that Guard sees (see {@link GuardView})
 * @param origin   what kind of input it was
 */
public record ConfigResource(String type, String id, String name, String region, String account, String arn,
                             String status, String source, Position position, MapValue document, Origin origin) {
    public ConfigResource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
        name = Objects.requireNonNullElse(name, "");
        region = Objects.requireNonNullElse(region, "");
        account = Objects.requireNonNullElse(account, "");
        arn = Objects.requireNonNullElse(arn, "");
        status = Objects.requireNonNullElse(status, "");
    }

    /** Where a resource description came from. */
    public enum Origin { CONFIGURATION_ITEM, DESCRIBE }

    /** Config marks deleted resources; rules do not apply to them (NOT_APPLICABLE, as in AWS Config). */
    public boolean deleted() {
        return status.equals("ResourceDeleted") || status.equals("ResourceDeletedNotRecorded");
    }

    /** {@code type/id}: unique within one evaluation. */
    public String key() {
        return type + "/" + id;
    }
}
