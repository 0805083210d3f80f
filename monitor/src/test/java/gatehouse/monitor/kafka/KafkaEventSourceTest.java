package gatehouse.monitor.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.core.Diagnostic;
import gatehouse.monitor.ingest.Event;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka source and publisher against a real KRaft broker ({@link KafkaBroker}): partitioning by account, a
 * group of consumers sharing a topic, a consumer that dies after its state was durable but before the offset
 * commit, and a consumer process killed with SIGKILL mid-stream. Every scenario ends with the per-account counts
 * in the shared SQLite store compared with the exact expected counts.
 */
@ExtendWith(KafkaBroker.class)
class KafkaEventSourceTest {
    /** Consumer settings that make a dead member's partitions move within seconds. */
    static final Map<String, Object> FAST_GROUP = Map.of("session.timeout.ms", "3000", "heartbeat.interval.ms", "500",
            "max.poll.records", "50");

    @TempDir
    Path dir;

    @Test
    void publishedRecordsOfOneAccountLandInOnePartitionInOrder(KafkaBroker.Running broker) throws Exception {
        String topic = broker.newTopic("keyed", 4);
        List<Event> events = TrailData.generate(6, 100, 1);
        KafkaPublisher.Result r = publish(broker, topic, events);
        assertThat(r.sent()).isEqualTo(600);
        assertThat(r.acknowledged()).as("first error: %s", r.firstError()).isEqualTo(600);
        assertThat(r.failed()).isZero();
        assertThat(r.partitions()).isEqualTo(4);
        assertThat(r.perAccount()).hasSize(6).allSatisfy((k, v) -> assertThat(v).isEqualTo(100));

        Map<String, Set<Integer>> partitionsOfAccount = new TreeMap<>();
        Map<String, Long> lastSeq = new HashMap<>();
        List<ConsumerRecord<byte[], byte[]>> all = readAll(broker, topic, 4, 600);
        for (ConsumerRecord<byte[], byte[]> rec : all) {
            String key = new String(rec.key(), StandardCharsets.UTF_8);
            partitionsOfAccount.computeIfAbsent(key, k -> new HashSet<>()).add(rec.partition());
            // Kafka's default partitioner: murmur2 of the key bytes
            assertThat(rec.partition()).isEqualTo(Utils.toPositive(Utils.murmur2(rec.key())) % 4);
            long seq = new RecordCodec().decode(rec.value(), "x").record().get("sequence").asLong();
            assertThat(seq).as("order of account %s", key).isGreaterThan(lastSeq.getOrDefault(key, -1L));
            lastSeq.put(key, seq);
        }
        assertThat(partitionsOfAccount).hasSize(6).allSatisfy((k, v) -> assertThat(v).hasSize(1));
        assertThat(partitionsOfAccount.values().stream().flatMap(Set::stream).distinct().count())
                .as("six accounts spread over more than one of four partitions").isGreaterThan(1);
    }

    @Test
    void twoMembersShareThePartitionsAndTogetherCountEveryRecordOnce(KafkaBroker.Running broker) throws Exception {
        String topic = broker.newTopic("shared", 4);
        Path db = dir.resolve("state.db");
        KafkaUrl url = KafkaUrl.forConsumer("kafka://" + broker.bootstrap() + "/" + topic + "?group=pair", "--input");
        Member a = Member.start(url, db, 0, List.of());
        await("first member assigned", () -> !a.processor.everAssigned().isEmpty());
        Member b = Member.start(url, db, 0, List.of());
        await("second member assigned", () -> !b.processor.everAssigned().isEmpty());

        List<Event> events = TrailData.generate(8, 150, 2);
        publish(broker, topic, events);
        Map<String, Long> expected = TrailData.expectedCounts(events);
        await("every record counted", () -> total(db) == 1200);
        a.stop();
        b.stop();

        assertThat(CountingProcessor.counts(db)).isEqualTo(expected);
        assertThat(CountingProcessor.violations(db)).isZero();
        assertThat(a.processor.processed).as("first member's share").isPositive();
        assertThat(b.processor.processed).as("second member's share").isPositive();
        assertThat(a.processor.processed + b.processor.processed).isEqualTo(1200);
        // a clean stop committed everything that was processed
        assertThat(committed(broker, "pair", topic)).isEqualTo(endOffsets(broker, topic, 4));
    }

    @Test
    void aMemberThatDiesAfterItsFlushButBeforeTheCommitCountsNothingTwice(KafkaBroker.Running broker) throws Exception {
        String topic = broker.newTopic("crash", 2);
        Path db = dir.resolve("state.db");
        List<Event> events = TrailData.generate(4, 200, 3);
        publish(broker, topic, events);
        publish(broker, topic, events.subList(0, 200)); // CloudTrail delivering a file twice
        Map<String, Long> expected = TrailData.expectedCounts(events);
        KafkaUrl url = KafkaUrl.forConsumer("kafka://" + broker.bootstrap() + "/" + topic + "?group=crash", "--input");

        Member a = Member.start(url, db, 0, List.of(), p -> p.crashAfterFlushes(2));
        a.thread.join(KafkaBroker.PATIENCE.toMillis());
        assertThat(a.failure.get()).hasMessageContaining("simulated crash");
        long countedBefore = total(db);
        assertThat(countedBefore).isPositive().isLessThan(800);
        Map<Integer, Long> stored = CountingProcessor.watermarks(db);
        Map<Integer, Long> committed = committed(broker, "crash", topic);
        assertThat(stored).as("the store is ahead of Kafka's commit: the crash fell between them")
                .anySatisfy((p, w) -> assertThat(w + 1).isGreaterThan(committed.getOrDefault(p, 0L)));

        Member b = Member.start(url, db, 0, List.of());
        await("the rest counted", () -> total(db) == 800 && b.source.stats().records() > 0
                && committedTotal(broker, "crash", topic) == 1000);
        b.stop();
        assertThat(CountingProcessor.counts(db)).isEqualTo(expected);
        assertThat(CountingProcessor.violations(db)).isZero();
        assertThat(b.processor.processed).isEqualTo(800 - countedBefore);
        assertThat(b.source.stats().duplicates()).as("the second delivery of the file").isEqualTo(200);
    }

    @Test
    void recordsThatAreNotJsonObjectsAreReportedAndSkipped(KafkaBroker.Running broker) throws Exception {
        String topic = broker.newTopic("bad", 1);
        List<Event> events = TrailData.generate(1, 3, 4);
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap());
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            RecordCodec codec = new RecordCodec();
            raw.send(new ProducerRecord<>(topic, codec.encode(events.get(0).record()))).get();
            raw.send(new ProducerRecord<>(topic, "not json".getBytes(StandardCharsets.UTF_8))).get();
            raw.send(new ProducerRecord<>(topic, "[1, 2]".getBytes(StandardCharsets.UTF_8))).get();
            raw.send(new ProducerRecord<>(topic, codec.encode(events.get(1).record()))).get();
            raw.send(new ProducerRecord<>(topic, (byte[]) null)).get();
            raw.send(new ProducerRecord<>(topic, codec.encode(events.get(2).record()))).get();
        }
        Path db = dir.resolve("state.db");
        List<Diagnostic> errors = new CopyOnWriteArrayList<>();
        KafkaUrl url = KafkaUrl.forConsumer("kafka://" + broker.bootstrap() + "/" + topic + "?group=bad", "--input");
        Member m = Member.start(url, db, 0, errors);
        await("all six read", () -> committedTotal(broker, "bad", topic) == 6);
        m.stop();
        assertThat(CountingProcessor.counts(db)).containsExactly(Map.entry(TrailData.account(0), 3L));
        assertThat(errors).extracting(Diagnostic::headline).containsExactly(
                topic + "-0@1:1:1: error: invalid JSON: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                topic + "-0@2:1:1: error: a record must be a JSON object, found array",
                topic + "-0@4:1:1: error: the record has no value (a tombstone)");
        assertThat(m.source.stats().unreadable()).isEqualTo(3);
        assertThat(CountingProcessor.watermarks(db)).containsExactly(Map.entry(0, 5L));
    }

    @Test
    void aMemberProcessKilledMidStreamHandsOverWithNoLossAndNoDoubleCount(KafkaBroker.Running broker) throws Exception {
        String topic = broker.newTopic("kill", 4);
        List<Event> events = TrailData.generate(8, 250, 5);
        publish(broker, topic, events);
        publish(broker, topic, events.subList(0, 300));
        Map<String, Long> expected = TrailData.expectedCounts(events);
        long distinct = expected.values().stream().mapToLong(Long::longValue).sum();
        String url = "kafka://" + broker.bootstrap() + "/" + topic + "?group=kill";
        Path db = dir.resolve("state.db");

        Path log = dir.resolve("child.log");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, CountingConsumerMain.class.getName(), url, db.toString(), "150")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            await("the child counts", () -> total(db) > 0, () -> {
                try {
                    return "child output: " + java.nio.file.Files.readString(log);
                } catch (java.io.IOException e) {
                    return e.toString();
                }
            });
            Member survivor = Member.start(KafkaUrl.forConsumer(url, "--input"), db, 0, List.of());
            await("the survivor got a share", () -> !survivor.processor.everAssigned().isEmpty());
            await("the child counted more", () -> total(db) > 150);
            long atKill = total(db);
            child.destroyForcibly(); // SIGKILL: no flush, no commit, no leaving the group
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(atKill).as("killed mid-stream").isLessThan(distinct);

            await("the survivor finished the child's partitions", () -> total(db) == distinct
                    && committedTotal(broker, "kill", topic) == distinct + 300,
                    () -> "counted " + total(db) + " of " + distinct + ", committed " + committedTotal(broker, "kill", topic)
                            + " of " + (distinct + 300) + ", survivor had " + survivor.processor.everAssigned()
                            + (survivor.failure.get() == null ? "" : ", survivor failed: " + survivor.failure.get()));
            survivor.stop();
            assertThat(survivor.processor.everAssigned()).as("took over all four").hasSize(4);
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(CountingProcessor.counts(db)).isEqualTo(expected);
        assertThat(CountingProcessor.violations(db)).isZero();

        // and the same as one member reading the whole topic without interruption
        Path reference = dir.resolve("reference.db");
        Member alone = Member.start(KafkaUrl.forConsumer(url.replace("group=kill", "group=alone"), "--input"), reference, 0, List.of());
        await("uninterrupted run done", () -> committedTotal(broker, "alone", topic) == distinct + 300);
        alone.stop();
        assertThat(CountingProcessor.counts(reference)).isEqualTo(CountingProcessor.counts(db));
    }

    /** A source and its processor running in a thread of this JVM. */
    static final class Member {
        final KafkaEventSource source;
        final CountingProcessor processor;
        final Thread thread;
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        private Member(KafkaEventSource source, CountingProcessor processor) {
            this.source = source;
            this.processor = processor;
            this.thread = new Thread(() -> {
                try {
                    source.run(processor);
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "member");
        }

        static Member start(KafkaUrl url, Path db, long delay, List<Diagnostic> errors) throws Exception {
            return start(url, db, delay, errors, p -> p);
        }

        static Member start(KafkaUrl url, Path db, long delay, List<Diagnostic> errors,
                java.util.function.UnaryOperator<CountingProcessor> setup) throws Exception {
            CountingProcessor p = setup.apply(new CountingProcessor(db, delay));
            Member m = new Member(new KafkaEventSource(url, FAST_GROUP, Duration.ZERO, errors::add), p);
            m.thread.start();
            return m;
        }

        void stop() throws Exception {
            source.stop();
            thread.join(KafkaBroker.PATIENCE.toMillis());
            assertThat(thread.isAlive()).as("member stopped").isFalse();
            processor.close();
            if (failure.get() != null) {
                throw new AssertionError("member failed", failure.get());
            }
        }
    }

    static KafkaPublisher.Result publish(KafkaBroker.Running broker, String topic, List<Event> events) {
        try (KafkaPublisher pub = new KafkaPublisher(KafkaUrl.forProducer("kafka://" + broker.bootstrap() + "/" + topic, "--to"),
                Map.of(), Duration.ofSeconds(20))) {
            events.forEach(pub::send);
            return pub.finish();
        }
    }

    static long total(Path db) {
        try {
            return CountingProcessor.counts(db).values().stream().mapToLong(Long::longValue).sum();
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        await(what, condition, () -> "");
    }

    /** Waits for {@code condition}; on a timeout the failure says what was seen ({@code state}). */
    static void await(String what, BooleanSupplier condition, java.util.function.Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + KafkaBroker.PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what + " " + state.get());
            }
            Thread.sleep(50);
        }
    }

    static Map<Integer, Long> committed(KafkaBroker.Running broker, String group, String topic) throws Exception {
        try (Admin admin = broker.admin()) {
            Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(10, TimeUnit.SECONDS);
            Map<Integer, Long> out = new TreeMap<>();
            m.forEach((tp, o) -> {
                if (tp.topic().equals(topic) && o != null) {
                    out.put(tp.partition(), o.offset());
                }
            });
            return out;
        }
    }

    static long committedTotal(KafkaBroker.Running broker, String group, String topic) {
        try {
            return committed(broker, group, topic).values().stream().mapToLong(Long::longValue).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    static Map<Integer, Long> endOffsets(KafkaBroker.Running broker, String topic, int partitions) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props(broker), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                tps.add(new TopicPartition(topic, i));
            }
            Map<Integer, Long> out = new TreeMap<>();
            c.endOffsets(tps).forEach((tp, o) -> {
                if (o > 0) {
                    out.put(tp.partition(), o);
                }
            });
            return out;
        }
    }

    static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaBroker.Running broker, String topic, int partitions, int expected) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props(broker), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                tps.add(new TopicPartition(topic, i));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + KafkaBroker.PATIENCE.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            assertThat(out).hasSize(expected);
            return out;
        }
    }

    private static Properties props(KafkaBroker.Running broker) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap());
        return p;
    }
}
