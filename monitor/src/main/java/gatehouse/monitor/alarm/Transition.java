package gatehouse.monitor.alarm;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One change of an alarm's state, as CloudWatch records it in the alarm history.
 *
 * @param alarm the alarm's name
 * @param seq 1-based number of this transition among all transitions of the run's state scope (stable across
 *     restarts: a redelivered transition keeps its number)
 * @param oldState the state before
 * @param newState the state after
 * @param reason the human-readable reason, worded like CloudWatch's {@code StateReason}
 * @param timestamp the event time of the evaluation: the end of the last period evaluated
 * @param datapoints the datapoints evaluated, oldest first (the evaluation range; missing ones have no value)
 * @param threshold the alarm's threshold
 */
public record Transition(String alarm, long seq, AlarmState oldState, AlarmState newState, String reason, Instant timestamp,
                         List<Datapoint> datapoints, double threshold) {
    public Transition {
        Objects.requireNonNull(alarm, "alarm");
        Objects.requireNonNull(oldState, "oldState");
        Objects.requireNonNull(newState, "newState");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(timestamp, "timestamp");
        datapoints = List.copyOf(datapoints);
    }

    /** A stable identifier for idempotent actions: {@code alarm#seq}. */
    public String id() {
        return alarm + "#" + seq;
    }
}
