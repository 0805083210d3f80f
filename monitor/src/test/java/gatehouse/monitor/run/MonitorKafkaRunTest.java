package gatehouse.monitor.run;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.core.Diagnostic;
import gatehouse.monitor.alarm.AlarmEngine;
import gatehouse.monitor.alarm.AlarmState;
import gatehouse.monitor.alarm.Transition;
import gatehouse.monitor.cis.CisPack;
import gatehouse.monitor.ingest.Event;
import gatehouse.monitor.ingest.EventSource;
import gatehouse.monitor.kafka.KafkaBroker;
import gatehouse.monitor.kafka.KafkaPublisher;
import gatehouse.monitor.kafka.KafkaUrl;
import gatehouse.monitor.kafka.Partition;
import gatehouse.store.EachStore;
import gatehouse.store.Store;
import gatehouse.store.TestStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code monitor run} over a Kafka topic on a real KRaft broker, compared with the same run over the file that was
 * published: the same transitions (alarm, states, time, reason) and the same final states and transition counts,
 * also when the run is interrupted (a clean restart, and a separate JVM killed with SIGKILL) and resumed from the
 * stored watermark. The kill case runs on each store dialect ({@link EachStore}).
 */
@ExtendWith(KafkaBroker.class)
class MonitorKafkaRunTest {
    static final Map<String, Object> FAST_GROUP = Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "500",
            "max.poll.records", "20");
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    static final String ACCOUNT = "123456789012";

    @TempDir
    Path dir;

    /**
     * A trail of one account over about two hours: bursts of failed console sign-ins (some of three or more within
     * 300 s, some of two), benign calls in between, a root sign-in, and a few records delivered twice.
     */
    static List<String> trail(long seed) {
        Random rnd = new Random(seed);
        List<String> lines = new ArrayList<>();
        int id = 0;
        for (int minute = 0; minute < 120; minute++) {
            long base = minute * 60L;
            lines.add(record("b" + id++, base + rnd.nextInt(60), "DescribeInstances", "ec2.amazonaws.com", null, "IAMUser"));
            if (minute % 17 == 3) {
                int n = 2 + rnd.nextInt(3);
                for (int i = 0; i < n; i++) {
                    lines.add(record("f" + id++, base + 1 + i * 10L, "ConsoleLogin", "signin.amazonaws.com",
                            "Failed authentication", "IAMUser"));
                }
            }
            if (minute == 50) {
                lines.add(record("r" + id++, base + 5, "ListBuckets", "s3.amazonaws.com", null, "Root"));
            }
            if (minute % 29 == 7) {
                lines.add(lines.get(lines.size() - 2)); // a repeat, as CloudTrail delivers at least once
            }
        }
        return lines;
    }

    static String record(String id, long second, String name, String source, String error, String identity) {
        return "{\"eventVersion\":\"1.08\",\"eventID\":\"" + id + "\",\"eventTime\":\"" + T0.plusSeconds(second)
                + "\",\"eventName\":\"" + name + "\",\"eventSource\":\"" + source + "\",\"awsRegion\":\"us-east-1\","
                + (error == null ? "" : "\"errorMessage\":\"" + error + "\",")
                + "\"recipientAccountId\":\"" + ACCOUNT + "\",\"userIdentity\":{\"type\":\"" + identity
                + "\",\"accountId\":\"" + ACCOUNT + "\"}}";
    }

    /** A transition as the comparison sees it. */
    record Seen(String alarm, AlarmState from, AlarmState to, Instant at, String reason) {
        static Seen of(Transition t) {
            return new Seen(t.alarm(), t.oldState(), t.newState(), t.timestamp(), t.reason());
        }
    }

    record Final(String alarm, AlarmState state, long transitions) {
        static List<Final> of(List<AlarmEngine.Status> s) {
            return s.stream().map(a -> new Final(a.definition().name(), a.state(), a.transitions())).toList();
        }
    }

    static MonitorRunner runner(Store store, String scope, boolean flush, List<Seen> seen) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        MonitorRunner r = new MonitorRunner(CisPack.load(MonitorConfig.BUILT_IN_ACTIONS), store,
                new MonitorRunner.Options(scope, Duration.ofMinutes(2), flush, false, 100_000, Duration.ofSeconds(1)),
                Map.of("log", LogAction.factory(sink, false)), w -> { });
        r.onEveryTransition(t -> seen.add(Seen.of(t)));
        return r;
    }

    Path file(List<String> lines) throws Exception {
        Path p = dir.resolve("trail-" + lines.size() + "-" + System.nanoTime() + ".jsonl");
        Files.writeString(p, String.join("\n", lines) + "\n");
        return p;
    }

    static void publish(KafkaBroker.Running broker, String topic, Path file) {
        List<Diagnostic> errors = new ArrayList<>();
        try (KafkaPublisher pub = new KafkaPublisher(KafkaUrl.forProducer("kafka://" + broker.bootstrap() + "/" + topic, "--to"),
                Map.of(), Duration.ofSeconds(20));
             EventSource src = EventSource.of(List.of(file.toString()), new ByteArrayInputStream(new byte[0]), errors::add)) {
            while (src.hasNext()) {
                Event e = src.next();
                pub.send(e);
            }
            KafkaPublisher.Result r = pub.finish();
            assertThat(r.failed()).isZero();
        }
        assertThat(errors).isEmpty();
    }

    static KafkaUrl url(KafkaBroker.Running broker, String topic, String group) {
        return KafkaUrl.forConsumer("kafka://" + broker.bootstrap() + "/" + topic + "?group=" + group, "--input");
    }

    @Test
    void aRunOverTheTopicMakesTheTransitionsOfARunOverThePublishedFile(KafkaBroker.Running broker) throws Exception {
        Path trail = file(trail(7));
        Store store = Store.open("jdbc:sqlite:" + dir.resolve("g.db"), true);
        List<Seen> fromFile = new ArrayList<>();
        MonitorRunner.Summary fileRun = runner(store, "file", true, fromFile)
                .run(List.of(trail.toString()), new ByteArrayInputStream(new byte[0]), d -> { }, null);
        assertThat(fromFile).as("the trail drives the sign-in failure alarms into ALARM")
                .anySatisfy(t -> {
                    assertThat(t.alarm()).isEqualTo("cis-console-authentication-failures");
                    assertThat(t.to()).isEqualTo(AlarmState.ALARM);
                });

        String topic = broker.newTopic("run", 1);
        publish(broker, topic, trail);
        List<Seen> fromKafka = new ArrayList<>();
        List<Diagnostic> errors = new ArrayList<>();
        MonitorRunner.KafkaSummary k = runner(store, "kafka", true, fromKafka)
                .runKafka(url(broker, topic, "g1"), FAST_GROUP, Duration.ofMillis(300), Duration.ofSeconds(3), errors::add);

        assertThat(errors).isEmpty();
        assertThat(fromKafka).isEqualTo(fromFile);
        Partition p0 = new Partition(topic, 0);
        assertThat(k.partitions()).containsOnlyKeys(p0);
        MonitorRunner.Summary s = k.partitions().get(p0);
        assertThat(Final.of(s.alarms())).isEqualTo(Final.of(fileRun.alarms()));
        assertThat(s.transitions()).isEqualTo(fileRun.transitions());
        assertThat(k.stats().duplicates()).as("the repeated records, dropped by the offset-window dedupe").isPositive();
        assertThat(k.stats().records()).isEqualTo(trail(7).size());
    }

    @Test
    void aRestartResumesAfterTheStoredWatermarkWithTheSameTransitions(KafkaBroker.Running broker) throws Exception {
        List<String> lines = trail(11);
        Path whole = file(lines);
        Store store = Store.open("jdbc:sqlite:" + dir.resolve("g.db"), true);
        List<Seen> fromFile = new ArrayList<>();
        MonitorRunner.Summary fileRun = runner(store, "file", true, fromFile)
                .run(List.of(whole.toString()), new ByteArrayInputStream(new byte[0]), d -> { }, null);

        String topic = broker.newTopic("restart", 1);
        int half = lines.size() / 2;
        publish(broker, topic, file(lines.subList(0, half)));
        List<Seen> fromKafka = new ArrayList<>();
        MonitorRunner.KafkaSummary first = runner(store, "kafka", false, fromKafka)
                .runKafka(url(broker, topic, "g2"), FAST_GROUP, Duration.ofMillis(300), Duration.ofSeconds(3), d -> { });
        assertThat(first.stats().records()).isEqualTo(half);

        publish(broker, topic, file(lines.subList(half, lines.size())));
        MonitorRunner.KafkaSummary second = runner(store, "kafka", true, fromKafka)
                .runKafka(url(broker, topic, "g2"), FAST_GROUP, Duration.ofMillis(300), Duration.ofSeconds(3), d -> { });
        assertThat(second.stats().records()).as("only the records after the watermark").isEqualTo(lines.size() - half);
        MonitorRunner.Summary s = second.partitions().get(new Partition(topic, 0));
        assertThat(s.resumed()).isTrue();
        assertThat(fromKafka).isEqualTo(fromFile);
        assertThat(Final.of(s.alarms())).isEqualTo(Final.of(fileRun.alarms()));
    }

    @EachStore
    void aProcessKilledMidStreamIsResumedWithTheSameFinalStatesAndTransitionCounts(KafkaBroker.Running broker, TestStore t)
            throws Exception {
        List<String> lines = trail(13);
        Path whole = file(lines);
        Store store = t.open();
        List<Seen> fromFile = new ArrayList<>();
        MonitorRunner.Summary fileRun = runner(store, "file", true, fromFile)
                .run(List.of(whole.toString()), new ByteArrayInputStream(new byte[0]), d -> { }, null);

        String topic = broker.newTopic("kill", 1);
        int third = lines.size() / 3;
        publish(broker, topic, file(lines.subList(0, third)));
        String u = "kafka://" + broker.bootstrap() + "/" + topic + "?group=g3";
        String cp = System.getProperty("java.class.path");
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, KafkaRunMain.class.getName(), u, t.url())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        String scope = PartitionAlarms.scopeOf("kafka", new Partition(topic, 0));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            long watermark = -1;
            while (System.nanoTime() < deadline && watermark < 0) {
                Thread.sleep(50);
                watermark = storedWatermark(store, scope);
            }
            assertThat(watermark).as("the child stored a watermark (log: %s)", log).isGreaterThanOrEqualTo(0);
            // the next third arrives while the child is busy: it is killed in the middle of it
            publish(broker, topic, file(lines.subList(third, 2 * third)));
            Thread.sleep(150);
            child.destroyForcibly(); // SIGKILL: no flush, no commit, no leaving the group
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(storedWatermark(store, scope)).as("killed mid-stream").isLessThan(lines.size() - 1);
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        publish(broker, topic, file(lines.subList(2 * third, lines.size())));
        List<Seen> afterRestart = new ArrayList<>();
        MonitorRunner.KafkaSummary k = runner(store, "kafka", true, afterRestart)
                .runKafka(url(broker, topic, "g3"), FAST_GROUP, Duration.ofMillis(300), Duration.ofSeconds(3), d -> { });
        MonitorRunner.Summary s = k.partitions().get(new Partition(topic, 0));
        assertThat(s.resumed()).isTrue();
        assertThat(Final.of(s.alarms())).isEqualTo(Final.of(fileRun.alarms()));
        assertThat(afterRestart).as("the transitions after the kill are those of the file run's end")
                .isEqualTo(fromFile.subList(fromFile.size() - afterRestart.size(), fromFile.size()));
        assertThat(s.transitions()).isEqualTo(fileRun.transitions());
        assertThat(storedTransitions(store, scope))
                .as("every transition stored once").isEqualTo(fileRun.transitions());
    }

    static long storedWatermark(Store store, String scope) throws Exception {
        try (var c = store.connect(); var ps = c.prepareStatement("SELECT position FROM monitor_checkpoints WHERE scope = ?")) {
            ps.setString(1, scope);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    static long storedTransitions(Store store, String scope) throws Exception {
        try (var c = store.connect(); var ps = c.prepareStatement("SELECT count(*) FROM monitor_transitions WHERE scope = ?")) {
            ps.setString(1, scope);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
