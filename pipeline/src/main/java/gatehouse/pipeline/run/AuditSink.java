package gatehouse.pipeline.run;

import java.util.Map;

/**
 * Where the runner records each decision: who (actor), what (action: run.start, gate, step, approval,
 * run.end, notify), on what (subject: run/stage/step), with what result. The tamper-evident audit log is
 * the implementation a pipeline uses; a failure to record stops the run (an unrecorded decision must not
 * count).
 */
@FunctionalInterface
public interface AuditSink {
    void record(String actor, String action, String subject, String result, Map<String, Object> details);
}
