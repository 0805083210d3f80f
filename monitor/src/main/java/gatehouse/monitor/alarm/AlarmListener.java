package gatehouse.monitor.alarm;

/**
 * Receives alarm state transitions: the seam where actions plug in (the built-in {@code log} action, the audit
 * entry of every transition, and webhook or command actions built elsewhere).
 *
 * <p>Delivery: {@code gatehouse monitor run} calls listeners only after the transition and the state that produced it
 * are committed to the store, in transition order, from one thread. A process killed between the commit and the
 * delivery delivers again on restart, so a listener sees each transition at least once and should be idempotent on
 * {@link Transition#id()}.
 */
@FunctionalInterface
public interface AlarmListener {
    /**
     * Handles one transition. An exception is reported and does not stop the stream or the other listeners.
     */
    void onTransition(Transition transition) throws Exception;
}
