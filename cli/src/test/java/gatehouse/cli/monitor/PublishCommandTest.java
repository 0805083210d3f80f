package gatehouse.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.cli.Cli;
import gatehouse.cli.ExitCode;
import gatehouse.monitor.kafka.KafkaBroker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse monitor publish} in process against a real KRaft broker started here (loopback, random port,
 * temporary directory), plus its errors: bad URL, no broker, missing topic, unreadable input.
 */
@ExtendWith(KafkaBroker.class)
class PublishCommandTest {
    private static String bootstrap;
    private static String trail;
    private static String mixed;

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), dir);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The broker the monitor tests share (started once per test JVM), and fresh topics on it. */
    @BeforeAll
    static void topics(KafkaBroker.Running broker) throws Exception {
        bootstrap = broker.bootstrap();
        trail = broker.newTopic("trail", 3);
        mixed = broker.newTopic("mixed", 1);
    }

    static String record(String id, String account) {
        return "{\"eventID\": \"" + id + "\", \"eventName\": \"GetObject\", \"recipientAccountId\": \"" + account + "\"}";
    }

    @Test
    void publishesEveryRecordKeyedByItsAccount() throws Exception {
        Files.writeString(dir.resolve("a.json"), "{\"Records\": [" + record("e1", "111111111111") + ", "
                + record("e2", "222222222222") + ", " + record("e3", "111111111111") + "]}");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(dir.resolve("b.json.gz")))) {
            o.write((record("e4", "222222222222") + "\n" + record("e5", "333333333333") + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Run r = cli("monitor", "publish", "--to", "kafka://" + bootstrap + "/" + trail, "a.json", "b.json.gz");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isEqualTo(ExitCode.OK.code);
        assertThat(r.out().replaceAll("in \\d+\\.\\d s", "in T s").replaceAll("  partition \\d: \\d records\\n", ""))
                .isEqualTo("published 5 of 5 records from 2 inputs to kafka://" + bootstrap + "/" + trail + " in T s\n"
                        + "  3 accounts; " + partitionsUsed(r.out()) + " of 3 partitions received records\n");

        Map<String, java.util.Set<Integer>> partitionsOf = new TreeMap<>();
        Map<String, List<String>> idsOf = new TreeMap<>();
        for (ConsumerRecord<String, String> c : readAll(trail, 3, 5)) {
            partitionsOf.computeIfAbsent(c.key(), k -> new java.util.TreeSet<>()).add(c.partition());
            idsOf.computeIfAbsent(c.key(), k -> new java.util.ArrayList<>()).add(c.value().replaceAll(".*\"eventID\":\"([^\"]+)\".*", "$1"));
        }
        assertThat(idsOf).containsExactly(Map.entry("111111111111", List.of("e1", "e3")),
                Map.entry("222222222222", List.of("e2", "e4")), Map.entry("333333333333", List.of("e5")));
        assertThat(partitionsOf).allSatisfy((k, v) -> assertThat(v).hasSize(1));
    }

    @Test
    void anUnreadableInputIsReportedAndTheRestStillPublished() throws Exception {
        Files.writeString(dir.resolve("good.json"), record("g1", "444444444444") + "\n");
        Files.writeString(dir.resolve("bad.json"), "{\"Records\": [" + record("b1", "444444444444") + ", oops]}");
        Run r = cli("monitor", "publish", "--to", "kafka://" + bootstrap + "/" + mixed, "bad.json", "good.json");
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).startsWith(dir.resolve("bad.json") + ":1:");
        assertThat(r.out()).startsWith("published 2 of 2 records from 2 inputs");
    }

    @Test
    void aMissingTopicIsAnInputError() {
        Run r = cli("monitor", "publish", "--timeout", "2", "--to", "kafka://" + bootstrap + "/no-such-topic", "-");
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).startsWith("--to:1:1: error: cannot publish to kafka://" + bootstrap + "/no-such-topic: ")
                .contains("  hint: check that the brokers are reachable and that topic 'no-such-topic' exists");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void noBrokerAtTheAddressIsAnInputError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free again once closed: nothing listens there
        }
        Run r = cli("monitor", "publish", "--timeout", "2", "--to", "kafka://127.0.0.1:" + port + "/trail", "-");
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).startsWith("--to:1:1: error: cannot publish to kafka://127.0.0.1:" + port + "/trail: ");
        assertThat(r.err().lines().count()).as("one error line and a hint, no stack trace").isEqualTo(2);
    }

    @Test
    void aBadUrlIsAnInputErrorThatPointsAtIt() {
        Run r = cli("monitor", "publish", "--to", "kafka://localhost/trail", "x.json");
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).isEqualTo("""
                --to:1:9: error: broker 'localhost' has no port (HOST:PORT, e.g. localhost:9092)
                  hint: expected kafka://HOST:PORT[,HOST:PORT...]/TOPIC?group=NAME[&from=earliest|latest][&dedupe=N]
                """);
        Run q = cli("monitor", "publish", "--to", "kafka://localhost:9092/trail?group=g", "x.json");
        assertThat(q.err()).startsWith("--to:1:29: error: a topic to publish to takes no parameters");
    }

    private static long partitionsUsed(String out) {
        return out.lines().filter(l -> l.startsWith("  partition ")).count();
    }

    private static List<ConsumerRecord<String, String>> readAll(String topic, int partitions, int expected) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = java.util.stream.IntStream.range(0, partitions).mapToObj(i -> new TopicPartition(topic, i)).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            List<ConsumerRecord<String, String>> out = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            out.sort(java.util.Comparator.comparingLong(ConsumerRecord::offset));
            return out;
        }
    }
}
