package gatehouse.monitor.kafka;

import java.util.Comparator;
import java.util.Objects;

/**
 * One partition of a topic: the unit that moves between {@code gatehouse monitor} instances, and with it the state
 * of the accounts keyed to it. Gatehouse's own type, so that a {@link PartitionedProcessor} (the alarm engine) does
 * not depend on the Kafka client's classes.
 *
 * @param topic the topic
 * @param number the partition number, from 0
 */
public record Partition(String topic, int number) implements Comparable<Partition> {
    private static final Comparator<Partition> ORDER = Comparator.comparing(Partition::topic).thenComparingInt(Partition::number);

    public Partition {
        Objects.requireNonNull(topic, "topic");
        if (number < 0) {
            throw new IllegalArgumentException("partition number must be >= 0: " + number);
        }
    }

    @Override
    public int compareTo(Partition o) {
        return ORDER.compare(this, o);
    }

    /** {@code topic-number}, as Kafka's tools print it. */
    public String display() {
        return topic + "-" + number;
    }
}
