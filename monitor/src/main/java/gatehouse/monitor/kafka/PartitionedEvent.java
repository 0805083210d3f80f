package gatehouse.monitor.kafka;

import gatehouse.monitor.ingest.Event;
import java.util.Objects;

/**
 * An event with the place it was read from: the partition and offset identify it in the log, so a processor can
 * record how far it got and recognise a record it already counted.
 *
 * @param partition where the record is
 * @param offset its offset in the partition
 * @param key the record key (the account id the publisher keyed it by), or null when it had none
 * @param event the CloudTrail record; its origin is {@code topic-partition@offset}
 */
public record PartitionedEvent(Partition partition, long offset, String key, Event event) {
    public PartitionedEvent {
        Objects.requireNonNull(partition, "partition");
        Objects.requireNonNull(event, "event");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0: " + offset);
        }
    }
}
