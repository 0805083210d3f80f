package gatehouse.monitor.kafka;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one poll delivered to a {@link PartitionedProcessor}.
 *
 * <p>{@code lastOffsets} is the highest offset consumed in each partition, including records that were not passed
 * on (repeated {@code eventID}s, records that are not JSON). A processor stores it as that partition's watermark in
 * the same durable write as the effects of {@code events}: the watermark is how a later owner of the partition
 * knows where this one stopped, and records between the last event and the watermark must not be read again.
 *
 * @param events events to process, grouped by partition, each partition's in offset order
 * @param lastOffsets per partition with any record in this batch, the highest offset consumed
 */
public record Batch(List<PartitionedEvent> events, Map<Partition, Long> lastOffsets) {
    public Batch {
        events = List.copyOf(events);
        lastOffsets = java.util.Collections.unmodifiableMap(new TreeMap<>(lastOffsets));
    }
}
