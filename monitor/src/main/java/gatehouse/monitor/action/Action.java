package gatehouse.monitor.action;

/**
 * Something done in response to an {@link ActionEvent}: call a webhook, run a command, write a line.
 *
 * <p>Implementations bound their own running time (timeouts, a retry budget), never throw for a failed
 * delivery (they return a failed {@link ActionResult}) and are thread-safe: the {@link Dispatcher} may run one
 * action for several events at once.
 */
public interface Action {
    /** The action's name as configured; the dispatcher's rate limit and the audit log are per name. */
    String name();

    /** {@code webhook}, {@code command} or {@code log}. */
    String type();

    /** Where it goes, safe to print and audit (a URL without credentials, a program name). */
    String target();

    /** Runs the action once (with its own retries) and reports how it ended. */
    ActionResult execute(ActionEvent event);
}
