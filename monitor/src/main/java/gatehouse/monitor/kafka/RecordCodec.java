package gatehouse.monitor.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.monitor.events.CloudTrailEnvelope;
import gatehouse.monitor.ingest.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * How CloudTrail records travel on Kafka: the value is the record's JSON (UTF-8, one record per Kafka record),
 * the key is its account id. A value may also be an EventBridge envelope (as EventBridge-to-Kafka bridges send),
 * whose {@code detail} is the record and whose {@code account} is the key.
 */
public final class RecordCodec {
    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * The account a record belongs to, the partitioning key: {@code recipientAccountId}, else
     * {@code userIdentity.accountId}; for an EventBridge envelope its {@code account} first. Null when it has none
     * (such records are spread over partitions and carry no per-account order).
     */
    public static String accountKey(JsonNode record) {
        if (record == null || !record.isObject()) {
            return null;
        }
        JsonNode detail = CloudTrailEnvelope.unwrap(record);
        if (detail != null) {
            String account = text(record.get("account"));
            if (account != null) {
                return account;
            }
            record = detail;
        }
        String id = text(record.get("recipientAccountId"));
        return id != null ? id : text(record.path("userIdentity").get("accountId"));
    }

    /** The value bytes of a record. */
    public byte[] encode(JsonNode record) {
        try {
            return mapper.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serialises", e);
        }
    }

    /**
     * The event in a Kafka record's value, with origin {@code origin}.
     *
     * @throws IOException when the value is not a JSON object (the message says why, for a diagnostic)
     */
    public Event decode(byte[] value, String origin) throws IOException {
        if (value == null) {
            throw new IOException("the record has no value (a tombstone)");
        }
        JsonNode node;
        try {
            node = mapper.readTree(value);
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            int nl = msg.indexOf('\n');
            throw new IOException("invalid JSON: " + (nl < 0 ? msg : msg.substring(0, nl)).strip(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IOException("a record must be a JSON object, found "
                    + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        JsonNode detail = CloudTrailEnvelope.unwrap(node);
        JsonNode record = detail != null ? detail : node;
        JsonNode id = record.get("eventID");
        return new Event(record, origin, id != null && id.isTextual() ? id.textValue() : null, time(record));
    }

    /** The key bytes for an account (null stays null). */
    static byte[] keyBytes(String account) {
        return account == null ? null : account.getBytes(StandardCharsets.UTF_8);
    }

    private static Instant time(JsonNode record) {
        for (String f : new String[] {"eventTime", "@timestamp"}) {
            JsonNode v = record.get(f);
            if (v != null && v.isTextual()) {
                try {
                    return Instant.parse(v.textValue());
                } catch (DateTimeParseException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() && !n.textValue().isEmpty() ? n.textValue() : null;
    }
}
