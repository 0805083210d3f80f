package gatehouse.monitor.kafka;

import gatehouse.core.Diagnostic;
import gatehouse.core.SourceSpan;
import gatehouse.monitor.ingest.Event;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * CloudTrail records from a Kafka topic, read as one member of a consumer group and handed to a
 * {@link PartitionedProcessor}, at least once, with each partition's progress kept in the processor's own state.
 *
 * <p>Why it is built this way: an organisation's trail is too much for one process, so the topic is partitioned by
 * account and as many instances as needed share it through a consumer group. Alarm state is per account, so it
 * must follow the partition when Kafka moves one, and a crash must neither lose a record nor count one twice.
 * Hence:
 * <ul>
 * <li>Offsets are committed to Kafka only after {@link PartitionedProcessor#flush()} returned, so a record is
 * never marked done before its effects are durable (auto-commit is off).</li>
 * <li>The processor stores each partition's watermark (last offset its state includes) with the state, in the
 * same write. On assignment reading resumes right after it, and any record at or below it is skipped: a crash
 * between the processor's flush and the Kafka commit does not count a record twice.</li>
 * <li>{@code eventID} repeats (CloudTrail delivers at least once; a file may be published twice) are dropped by a
 * dedupe over the preceding {@link KafkaUrl#dedupeWindow()} offsets of the partition, rebuilt on assignment by
 * re-reading those offsets, so its decisions do not depend on which instance owned the partition before.</li>
 * </ul>
 *
 * <p>Records that are not JSON objects are reported once each to the error consumer (origin
 * {@code topic-partition@offset}) and skipped, so one bad record cannot stall a partition.
 *
 * <p>{@link #run} works on the calling thread; {@link #stop()} may be called from any thread.
 */
public final class KafkaEventSource implements AutoCloseable {
    /** Code of diagnostics for records that cannot be read. */
    public static final String CODE = "input_json_error";
    /** How long re-reading the dedupe windows of newly assigned partitions may take. */
    static final Duration WARM_UP_LIMIT = Duration.ofSeconds(120);

    private final KafkaUrl url;
    private final Map<String, Object> clientConfig;
    private final Consumer<Diagnostic> errors;
    private final Duration commitInterval;
    private final RecordCodec codec = new RecordCodec();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, PartitionState> owned = new HashMap<>();
    private final Stats stats = new Stats();
    private volatile boolean stopping;
    private PartitionedProcessor processor;
    private long lastCommitNanos;

    /** Progress of one owned partition. */
    private static final class PartitionState {
        final Partition partition;
        final OffsetWindowDedupe dedupe;
        /** Last offset consumed (passed to the processor or skipped); -1 before the first. */
        long consumed;
        /** Last offset committed to Kafka; -1 before the first commit by this instance. */
        long committed;

        PartitionState(Partition partition, int window, long before) {
            this.partition = partition;
            this.dedupe = new OffsetWindowDedupe(window);
            this.consumed = before;
            this.committed = before;
        }
    }

    /** Counters since the source started, for a summary line and for tests; written by the run thread only. */
    public static final class Stats {
        private volatile long records;
        private volatile long events;
        private volatile long duplicates;
        private volatile long redelivered;
        private volatile long unreadable;
        private volatile long commits;

        /** Kafka records received. */
        public long records() {
            return records;
        }

        /** Events handed to the processor. */
        public long events() {
            return events;
        }

        /** Records dropped as an {@code eventID} repeat. */
        public long duplicates() {
            return duplicates;
        }

        /** Records skipped because the processor's stored watermark already included them. */
        public long redelivered() {
            return redelivered;
        }

        /** Records whose value was not a JSON object. */
        public long unreadable() {
            return unreadable;
        }

        /** Offset commits made. */
        public long commits() {
            return commits;
        }
    }

    /**
     * A source for {@code url} (which must name a group).
     *
     * @param clientConfig extra Kafka consumer settings (e.g. {@code security.protocol}); they may not change the
     *     deserializers, the group or auto-commit, which this class depends on
     * @param commitInterval how often processed records are flushed and committed; {@link Duration#ZERO} after each
     *     poll. Longer intervals cost fewer durable writes and more re-reading after a crash.
     */
    public KafkaEventSource(KafkaUrl url, Map<String, Object> clientConfig, Duration commitInterval,
            Consumer<Diagnostic> errors) {
        this.url = Objects.requireNonNull(url, "url");
        if (url.group() == null) {
            throw new IllegalArgumentException("a consumer needs a group: " + url.display());
        }
        this.clientConfig = Map.copyOf(clientConfig);
        this.commitInterval = Objects.requireNonNull(commitInterval, "commitInterval");
        this.errors = Objects.requireNonNull(errors, "errors");
        this.consumer = new KafkaConsumer<>(consumerProperties(false));
    }

    private Properties consumerProperties(boolean warmUp) {
        Properties p = new Properties();
        p.putAll(clientConfig);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, url.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // read only what producers committed, should a transactional producer write to the topic
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        if (warmUp) {
            p.remove(ConsumerConfig.GROUP_ID_CONFIG);
            p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        } else {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, url.group());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, url.from() == KafkaUrl.From.LATEST ? "latest" : "earliest");
        }
        return p;
    }

    /**
     * Joins the group and feeds {@code processor} until {@link #stop()} is called; then flushes, commits and leaves
     * the group (handing the partitions over at once).
     *
     * @throws RuntimeException from the processor (nothing after its last successful flush is committed) or from
     *     Kafka (e.g. an authorisation failure); the source is closed either way
     */
    public void run(PartitionedProcessor processor) {
        this.processor = Objects.requireNonNull(processor, "processor");
        boolean clean = false;
        try {
            consumer.subscribe(List.of(url.topic()), new Listener());
            lastCommitNanos = System.nanoTime();
            while (!stopping) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    handle(records);
                }
                if (System.nanoTime() - lastCommitNanos >= commitInterval.toNanos()) {
                    flushAndCommit(owned.keySet());
                }
            }
            flushAndCommit(owned.keySet());
            clean = true;
        } finally {
            close(clean);
        }
    }

    /**
     * Asks {@link #run} to finish: it flushes, commits and returns after the poll in progress (at most 200 ms).
     * Safe from any thread. (Not {@code wakeup()}: that could abort a commit inside a rebalance callback.)
     */
    public void stop() {
        stopping = true;
    }

    /** Counters (readable from any thread while {@link #run} goes on). */
    public Stats stats() {
        return stats;
    }

    private void handle(ConsumerRecords<byte[], byte[]> records) {
        List<PartitionedEvent> events = new ArrayList<>(records.count());
        Map<Partition, Long> last = new TreeMap<>();
        for (TopicPartition tp : records.partitions()) {
            PartitionState st = owned.get(tp);
            if (st == null) {
                continue; // revoked during this poll; its records belong to the new owner now
            }
            for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                stats.records++;
                if (r.offset() <= st.consumed) {
                    stats.redelivered++;
                    continue;
                }
                st.consumed = r.offset();
                last.put(st.partition, r.offset());
                String origin = st.partition.display() + "@" + r.offset();
                Event e;
                try {
                    e = codec.decode(r.value(), origin);
                } catch (IOException ex) {
                    stats.unreadable++;
                    errors.accept(Diagnostic.of(CODE, SourceSpan.at(origin, 1, 1), ex.getMessage(),
                            "publish one CloudTrail record (a JSON object) per Kafka record, e.g. with gatehouse monitor publish; this record was skipped"));
                    continue;
                }
                if (!st.dedupe.firstSeen(e.eventId(), r.offset())) {
                    stats.duplicates++;
                    continue;
                }
                stats.events++;
                String key = r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                events.add(new PartitionedEvent(st.partition, r.offset(), key, e));
            }
        }
        if (!last.isEmpty()) {
            processor.process(new Batch(events, last));
        }
    }

    /** Flushes the processor, then commits the consumed offsets of {@code partitions} that moved since the last commit. */
    private void flushAndCommit(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            PartitionState st = owned.get(tp);
            if (st != null && st.consumed > st.committed) {
                offsets.put(tp, new OffsetAndMetadata(st.consumed + 1));
            }
        }
        lastCommitNanos = System.nanoTime();
        if (offsets.isEmpty()) {
            return;
        }
        processor.flush();
        consumer.commitSync(offsets);
        stats.commits++;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            owned.get(e.getKey()).committed = e.getValue().offset() - 1;
        }
    }

    /** Reacts to the group handing partitions to this instance and taking them away. Runs inside poll. */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            List<TopicPartition> ours = partitions.stream().filter(owned::containsKey).toList();
            if (ours.isEmpty()) {
                return;
            }
            try {
                flushAndCommit(ours);
            } finally {
                // whether or not the commit went through, the partitions are no longer ours; a failed flush leaves
                // the stored watermark behind, and the next owner re-reads from there
                processor.onRevoked(partitionsOf(ours));
                ours.forEach(owned::remove);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            List<TopicPartition> ours = partitions.stream().filter(owned::containsKey).toList();
            processor.onLost(partitionsOf(ours));
            ours.forEach(owned::remove);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Map<Partition, Long> stored = processor.onAssigned(partitionsOf(partitions));
            Map<TopicPartition, Long> start = startOffsets(partitions, stored);
            Map<TopicPartition, OffsetWindowDedupe> dedupes = new HashMap<>();
            for (TopicPartition tp : partitions) {
                long s = start.get(tp);
                PartitionState st = new PartitionState(new Partition(tp.topic(), tp.partition()), url.dedupeWindow(), s - 1);
                owned.put(tp, st);
                dedupes.put(tp, st.dedupe);
                consumer.seek(tp, s);
            }
            warmUp(start, dedupes);
        }
    }

    /**
     * Where each newly assigned partition resumes: after the processor's stored watermark when it has one (its
     * state is the truth, even when Kafka's commit lags behind it); else the group's committed offset; else the
     * beginning or the end, as {@code from} says.
     */
    private Map<TopicPartition, Long> startOffsets(Collection<TopicPartition> partitions, Map<Partition, Long> stored) {
        Map<TopicPartition, Long> start = new HashMap<>();
        Set<TopicPartition> unknown = new HashSet<>();
        for (TopicPartition tp : partitions) {
            Long w = stored == null ? null : stored.get(new Partition(tp.topic(), tp.partition()));
            if (w != null && w >= 0) {
                start.put(tp, w + 1);
            } else {
                unknown.add(tp);
            }
        }
        if (!unknown.isEmpty()) {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(unknown);
            Set<TopicPartition> none = new HashSet<>();
            for (TopicPartition tp : unknown) {
                OffsetAndMetadata c = committed.get(tp);
                if (c != null) {
                    start.put(tp, c.offset());
                } else {
                    none.add(tp);
                }
            }
            if (!none.isEmpty()) {
                Map<TopicPartition, Long> ends = url.from() == KafkaUrl.From.LATEST
                        ? consumer.endOffsets(none) : consumer.beginningOffsets(none);
                none.forEach(tp -> start.put(tp, ends.get(tp)));
            }
        }
        return start;
    }

    /**
     * Rebuilds each partition's dedupe window by reading the records just before its start offset with a separate,
     * group-less consumer (the group's consumer cannot poll inside a rebalance callback).
     */
    private void warmUp(Map<TopicPartition, Long> start, Map<TopicPartition, OffsetWindowDedupe> dedupes) {
        if (url.dedupeWindow() == 0) {
            return;
        }
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(start.keySet());
        Map<TopicPartition, Long> ends = consumer.endOffsets(start.keySet());
        Map<TopicPartition, Long> from = new HashMap<>();
        Map<TopicPartition, Long> until = new HashMap<>();
        for (Map.Entry<TopicPartition, Long> e : start.entrySet()) {
            // a stored watermark past the end of the log (a re-created topic) must not make us wait for records
            long hi = Math.min(e.getValue(), ends.get(e.getKey()));
            long lo = Math.max(beginnings.get(e.getKey()), e.getValue() - url.dedupeWindow());
            if (lo < hi) {
                from.put(e.getKey(), lo);
                until.put(e.getKey(), hi);
            }
        }
        if (from.isEmpty()) {
            return;
        }
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(consumerProperties(true))) {
            reader.assign(from.keySet());
            from.forEach(reader::seek);
            Set<TopicPartition> open = new HashSet<>(from.keySet());
            long deadline = System.nanoTime() + WARM_UP_LIMIT.toNanos();
            while (!open.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    // better to stop (the partitions go to another instance) than to decide repeats differently
                    throw new IllegalStateException("could not re-read the dedupe window of " + open + " within "
                            + WARM_UP_LIMIT.toSeconds() + " s");
                }
                ConsumerRecords<byte[], byte[]> records = reader.poll(Duration.ofMillis(200));
                for (TopicPartition tp : records.partitions()) {
                    long end = until.get(tp);
                    for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
                        if (r.offset() >= end) {
                            break;
                        }
                        try {
                            Event e = codec.decode(r.value(), tp + "@" + r.offset());
                            dedupes.get(tp).remember(e.eventId(), r.offset());
                        } catch (IOException ignored) {
                            // unreadable records have no id; reported when first consumed
                        }
                    }
                }
                // a partition is done once its position reaches the start offset (gaps from compaction or
                // transaction markers included)
                open.removeIf(tp -> reader.position(tp) >= until.get(tp));
            }
        }
    }

    private static List<Partition> partitionsOf(Collection<TopicPartition> tps) {
        return tps.stream().map(tp -> new Partition(tp.topic(), tp.partition())).sorted().toList();
    }

    private void close(boolean clean) {
        if (!clean) {
            // the processor failed or Kafka did: commit nothing more; what was not flushed is read again later.
            // Forget the partitions first, so that leaving the group does not flush or commit them.
            processor.onLost(partitionsOf(owned.keySet()));
            owned.clear();
        }
        consumer.close();
    }

    /** Closes the consumer if {@link #run} never ran. */
    @Override
    public void close() {
        if (processor == null) {
            consumer.close();
        }
    }
}
