package gatehouse.monitor.action;

import java.time.Duration;
import java.util.Objects;

/**
 * How one execution of an action ended (after its own retries).
 *
 * @param ok       whether the action did what it was asked (2xx answer, exit code 0, line written)
 * @param attempts how many tries it took (1 without retries)
 * @param outcome  one line for people and the audit log: {@code HTTP 200}, {@code exit 0}, {@code timed out after 5s}
 * @param output   captured output with secrets masked (commands: stdout and stderr; webhooks: the answer's
 *                 first bytes); empty when none
 * @param elapsed  wall time from the first attempt to the end
 */
public record ActionResult(boolean ok, int attempts, String outcome, String output, Duration elapsed) {
    public ActionResult {
        Objects.requireNonNull(outcome, "outcome");
        output = Objects.requireNonNullElse(output, "");
        Objects.requireNonNull(elapsed, "elapsed");
    }
}
