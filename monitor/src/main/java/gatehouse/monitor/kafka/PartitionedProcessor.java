package gatehouse.monitor.kafka;

import java.util.Collection;
import java.util.Map;

/**
 * Work done on a partitioned event stream whose state belongs to partitions, so that the state moves with them.
 *
 * <p>The alarm engine keeps per-account alarm state; accounts are keyed to partitions; when Kafka moves a partition
 * to another {@code gatehouse monitor} instance, its accounts' state must go along, exactly as far as the records
 * the state reflects. {@link KafkaEventSource} drives an implementation through this cycle, from one thread:
 * <ol>
 * <li>{@link #onAssigned}: load the state of the new partitions from the shared durable store and say, per
 * partition, the offset of the last record that state includes (its watermark). Reading resumes after it.</li>
 * <li>{@link #process} (repeatedly): apply a batch; effects may stay in memory, together with the batch's
 * {@link Batch#lastOffsets()} as the new watermarks.</li>
 * <li>{@link #flush}: make the effects of every processed batch and their watermarks durable, atomically per
 * partition, before returning. Only then does the source commit the offsets to Kafka.</li>
 * <li>{@link #onRevoked}: the partitions leave this instance. The source has already flushed and committed; drop
 * their state from memory.</li>
 * </ol>
 * Delivery is at least once: after a crash, records after the last commit come again. The stored watermark is what
 * makes that harmless: a record at or below it is skipped by the source, and reading starts after it even when the
 * commit to Kafka did not happen.
 */
public interface PartitionedProcessor {
    /**
     * The partitions are now this instance's: load their state.
     *
     * @return per partition, the offset of the last record its stored state includes; a partition without stored
     *     state is left out (reading then starts at the group's committed offset, else as the URL's {@code from} says)
     */
    Map<Partition, Long> onAssigned(Collection<Partition> partitions);

    /** Applies a batch. Must not make any effect visible to others that {@link #flush} would not also persist. */
    void process(Batch batch);

    /**
     * Makes everything processed so far durable, with the watermarks; returns only when it is.
     *
     * @throws RuntimeException when it cannot: the source stops without committing, so nothing is lost
     */
    void flush();

    /** The partitions have been flushed, committed and taken away: forget their state. */
    void onRevoked(Collection<Partition> partitions);

    /**
     * The partitions were taken away without a chance to flush (this instance was too slow and another may own
     * them already): their unflushed effects must be dropped, never written, and their state forgotten. The default
     * calls {@link #onRevoked}, which is right for a processor that keeps nothing unflushed per partition; one that
     * buffers effects until {@link #flush} must override this and discard the lost partitions' share.
     */
    default void onLost(Collection<Partition> partitions) {
        onRevoked(partitions);
    }
}
