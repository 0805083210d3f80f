package gatehouse.monitor.action;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What happened, in a shape every action understands, so that alarms, event rules and compliance all feed
 * the same actions without knowing about each other.
 *
 * @param kind    what produced it, lower-dotted: {@code alarm.transition}, {@code comply.noncompliant},
 *                {@code comply.remediation}, {@code event.match}
 * @param key     the de-duplication key: two events with the same key within the dispatcher's window are one
 *                notification (e.g. {@code alarm/ConsoleSignInFailures/ALARM}); never null or blank
 * @param subject what it is about (an alarm name, {@code AWS::S3::Bucket/logs-bucket})
 * @param summary one human sentence
 * @param details JSON-representable facts (strings, numbers, booleans, null, lists, maps); copied, insertion
 *                order kept. Never put secrets here: actions send and log them.
 * @param time    when it happened (event time, not processing time)
 */
public record ActionEvent(String kind, String key, String subject, String summary, Map<String, Object> details,
                          Instant time) {
    public ActionEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        if (key.isBlank()) {
            throw new IllegalArgumentException("blank key");
        }
        subject = Objects.requireNonNullElse(subject, "");
        summary = Objects.requireNonNullElse(summary, "");
        details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
        Objects.requireNonNull(time, "time");
    }

    /** The event as the JSON object webhooks receive and commands find in {@code GATEHOUSE_EVENT}. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schemaVersion", 1);
        m.put("kind", kind);
        m.put("key", key);
        m.put("subject", subject);
        m.put("summary", summary);
        m.put("time", time.toString());
        m.put("details", details);
        return m;
    }
}
