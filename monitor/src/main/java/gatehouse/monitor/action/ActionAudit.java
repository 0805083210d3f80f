package gatehouse.monitor.action;

import gatehouse.audit.AuditLog;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Records every action attempt in the tamper-evident audit log, so that "who was told what, when, and did it
 * arrive" can be answered and verified later. One entry per execution: action {@code action.<type>}
 * ({@code action.webhook}, {@code action.command}, {@code action.log}), subject the event's subject, result
 * {@code ok} or {@code failed}, details: action name, target, event kind and key, attempts, outcome, elapsed
 * milliseconds and the first characters of the (already masked) output. Suppressed events are summarised in one
 * {@code action.suppressed} entry per dispatcher, not one per event, so that a storm does not flood the log either.
 *
 * <p>Thread-safe ({@link AuditLog} serialises appends). Appends are durable before the method returns.
 */
public final class ActionAudit {
    /** Characters of captured output kept in an audit entry. */
    public static final int OUTPUT_IN_AUDIT = 400;
    private final AuditLog log;
    private final String actor;

    /** @param actor who acts: {@code gatehouse monitor}, {@code gatehouse comply} */
    public ActionAudit(AuditLog log, String actor) {
        this.log = Objects.requireNonNull(log, "log");
        this.actor = Objects.requireNonNull(actor, "actor");
    }

    public AuditLog log() {
        return log;
    }

    public String actor() {
        return actor;
    }

    /** Appends the entry for one execution of {@code action} on {@code event}. */
    public void executed(Action action, ActionEvent event, ActionResult result) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", action.name());
        d.put("target", action.target());
        d.put("kind", event.kind());
        d.put("key", event.key());
        d.put("attempts", result.attempts());
        d.put("outcome", result.outcome());
        d.put("elapsedMs", result.elapsed().toMillis());
        String out = result.output().strip();
        if (!out.isEmpty()) {
            d.put("output", out.length() > OUTPUT_IN_AUDIT ? out.substring(0, OUTPUT_IN_AUDIT) + "…" : out);
        }
        log.append(actor, "action." + action.type(), event.subject(), result.ok() ? "ok" : "failed", d);
    }

    /** Appends one summary of what a dispatcher suppressed; nothing when nothing was. */
    public void suppressed(Dispatcher.Stats stats) {
        if (stats.suppressed() == 0) {
            return;
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("duplicates", stats.duplicates());
        d.put("rateLimited", stats.rateLimited());
        d.put("queueFull", stats.queueFull());
        d.put("executed", stats.executed());
        log.append(actor, "action.suppressed", "dispatcher", stats.suppressed() + " suppressed", d);
    }
}
