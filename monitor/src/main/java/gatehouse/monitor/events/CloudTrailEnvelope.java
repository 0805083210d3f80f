package gatehouse.monitor.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * The event EventBridge delivers for a CloudTrail record, built from the raw record, so that EventBridge rules
 * (which test {@code source}, {@code detail-type} and {@code detail.*}) run unchanged on CloudTrail log files:
 * <pre>{"version": "0", "id": …, "detail-type": "AWS API Call via CloudTrail", "source": "aws.s3", "account": …,
 *  "time": …, "region": …, "resources": [], "detail": {…the record…}}</pre>
 *
 * <p>{@code source} is {@code aws.} plus the service of {@code eventSource} ({@code s3.amazonaws.com → aws.s3});
 * {@code detail-type} follows {@code eventType} as AWS documents it (API call, console sign-in, service event,
 * console action, Insights); {@code time} is {@code eventTime}; {@code account} is {@code recipientAccountId}
 * (else {@code userIdentity.accountId}); {@code region} is {@code awsRegion}. EventBridge assigns a random
 * {@code id}; here it is a name-based (version 5) UUID of {@code eventID}, so wrapping the same record twice gives
 * the same event and duplicates stay recognisable. The envelope shares the record node as {@code detail}.
 */
public final class CloudTrailEnvelope {
    /** The detail-type of CloudTrail management and data events for API calls. */
    public static final String API_CALL = "AWS API Call via CloudTrail";
    private static final Map<String, String> DETAIL_TYPES = Map.of(
            "AwsApiCall", API_CALL,
            "AwsConsoleSignIn", "AWS Console Sign In via CloudTrail",
            "AwsServiceEvent", "AWS Service Event via CloudTrail",
            "AwsConsoleAction", "AWS Console Action via CloudTrail",
            "AwsCloudTrailInsight", "AWS Insight via CloudTrail");
    /** Namespace of the envelope ids: a fixed random UUID, so ids do not collide with other name-based UUIDs. */
    private static final UUID NAMESPACE = UUID.fromString("6f1c3f5e-3c55-4d0b-9d7e-52a1a3b0c7e4");

    private CloudTrailEnvelope() {}

    /** Builds the EventBridge event for one CloudTrail record (a JSON object). */
    public static ObjectNode wrap(JsonNode record) {
        if (record == null || !record.isObject()) {
            throw new IllegalArgumentException("a CloudTrail record is a JSON object");
        }
        ObjectNode e = JsonNodeFactory.instance.objectNode();
        e.put("version", "0");
        String eventId = text(record, "eventID");
        e.put("id", uuid(eventId != null ? "eventID:" + eventId : "record:" + record).toString());
        String eventType = text(record, "eventType");
        e.put("detail-type", eventType == null ? API_CALL : DETAIL_TYPES.getOrDefault(eventType, API_CALL));
        e.put("source", source(text(record, "eventSource")));
        String account = text(record, "recipientAccountId");
        if (account == null) {
            account = text(record.path("userIdentity"), "accountId");
        }
        e.put("account", account == null ? "" : account);
        e.put("time", time(record));
        String region = text(record, "awsRegion");
        e.put("region", region == null ? "" : region);
        e.putArray("resources");
        e.set("detail", record);
        return e;
    }

    /**
     * The CloudTrail record inside an EventBridge envelope ({@code detail-type} "… via CloudTrail" and an object
     * {@code detail}), or null when {@code event} is not such an envelope.
     */
    public static JsonNode unwrap(JsonNode event) {
        if (event == null || !event.isObject()) {
            return null;
        }
        JsonNode type = event.get("detail-type");
        JsonNode detail = event.get("detail");
        if (type != null && type.isTextual() && type.textValue().endsWith(" via CloudTrail") && detail != null
                && detail.isObject()) {
            return detail;
        }
        return null;
    }

    /** {@code s3.amazonaws.com → aws.s3}; an event source without the AWS suffix keeps its first label. */
    static String source(String eventSource) {
        if (eventSource == null || eventSource.isEmpty()) {
            return "aws.unknown";
        }
        String suffix = ".amazonaws.com";
        String service = eventSource.endsWith(suffix) ? eventSource.substring(0, eventSource.length() - suffix.length())
                : eventSource.indexOf('.') > 0 ? eventSource.substring(0, eventSource.indexOf('.')) : eventSource;
        return "aws." + service;
    }

    private static String time(JsonNode record) {
        String t = text(record, "eventTime");
        if (t != null) {
            return t;
        }
        String ts = text(record, "@timestamp"); // Logstash-shaped exports keep only this
        if (ts != null) {
            try {
                return Instant.parse(ts).truncatedTo(ChronoUnit.SECONDS).toString();
            } catch (DateTimeParseException ignored) {
                return ts;
            }
        }
        return "";
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    /** RFC 4122 name-based UUID, version 5 (SHA-1). */
    static UUID uuid(String name) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            ByteBuffer ns = ByteBuffer.allocate(16).putLong(NAMESPACE.getMostSignificantBits())
                    .putLong(NAMESPACE.getLeastSignificantBits());
            sha1.update(ns.array());
            byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
            h[6] = (byte) ((h[6] & 0x0f) | 0x50);
            h[8] = (byte) ((h[8] & 0x3f) | 0x80);
            ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
            return new UUID(b.getLong(), b.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }
}
