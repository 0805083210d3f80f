package gatehouse.monitor.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One CloudTrail record as read from the input.
 *
 * @param record the record (a JSON object); for an EventBridge envelope, its {@code detail}
 * @param origin where it starts: {@code file:line} ({@code <stdin>:line} for standard input)
 * @param eventId the record's {@code eventID}, or null when it has none
 * @param eventTime the record's {@code eventTime} (else {@code @timestamp}), or null when absent or unparseable
 */
public record Event(JsonNode record, String origin, String eventId, Instant eventTime) {
    public Event {
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(origin, "origin");
    }
}
