package gatehouse.monitor.run;

import gatehouse.monitor.alarm.AlarmListener;

/**
 * Makes the listener of one configured action type ({@code webhook}, {@code command}, ...). Registered with a
 * {@link MonitorRunner} by type name; the configuration may then use the type in an alarm's {@code actions}.
 */
@FunctionalInterface
public interface ActionFactory {
    /**
     * The listener for one action entry of one alarm; it is called only with that alarm's transitions.
     *
     * @throws gatehouse.core.InputException when the entry's options are wrong (with the entry's position)
     */
    AlarmListener create(MonitorConfig.ActionSpec spec);
}
