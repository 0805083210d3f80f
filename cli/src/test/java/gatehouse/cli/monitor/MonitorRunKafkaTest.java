package gatehouse.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.cli.Cli;
import gatehouse.cli.ExitCode;
import gatehouse.monitor.kafka.KafkaBroker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse monitor run --input kafka://…} in process against a real KRaft broker started here: a trail
 * published with {@code monitor publish} makes the same transitions and final alarm states as {@code monitor run}
 * over the file; and the usage errors of a Kafka input.
 */
@ExtendWith(KafkaBroker.class)
class MonitorRunKafkaTest {
    private static String bootstrap;
    private static String topic;
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

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

    /** The broker the monitor tests share (started once per test JVM), and a fresh topic on it. */
    @BeforeAll
    static void topic(KafkaBroker.Running broker) throws Exception {
        bootstrap = broker.bootstrap();
        topic = broker.newTopic("signins", 1);
    }

    static String record(String id, long second, String name, String source, boolean failed) {
        return "{\"eventID\":\"" + id + "\",\"eventTime\":\"" + T0.plusSeconds(second) + "\",\"eventName\":\"" + name
                + "\",\"eventSource\":\"" + source + "\"," + (failed ? "\"errorMessage\":\"Failed authentication\"," : "")
                + "\"recipientAccountId\":\"123456789012\",\"userIdentity\":{\"type\":\"IAMUser\",\"accountId\":\"123456789012\"}}";
    }

    /** The transition lines of the log action, which are the same whatever the input. */
    static List<String> transitions(String out) {
        return out.lines().filter(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT.*  .* -> .*")).toList();
    }

    /** The alarm lines of a summary: state, name, reason. */
    static List<String> alarms(String out) {
        return out.lines().filter(l -> l.matches("(OK|ALARM|INSUFFICIENT_DATA) .*")).toList();
    }

    @Test
    void aKafkaInputMakesTheTransitionsOfTheSameRunOverThePublishedFile() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            lines.add(record("b" + i, i * 60L, "DescribeInstances", "ec2.amazonaws.com", false));
            if (i % 20 == 5) {
                for (int f = 0; f < 3 + i % 2; f++) {
                    lines.add(record("f" + i + "-" + f, i * 60L + 5 + f * 20L, "ConsoleLogin", "signin.amazonaws.com", true));
                }
            }
        }
        Files.writeString(dir.resolve("trail.jsonl"), String.join("\n", lines) + "\n");
        Run file = cli("monitor", "run", "--pack", "cis", "--input", "trail.jsonl", "--flush", "--state", "file",
                "--store", "jdbc:sqlite:" + dir.resolve("g.db"));
        assertThat(file.code()).as(file.err()).isEqualTo(ExitCode.OK.code);
        assertThat(transitions(file.out())).anyMatch(l -> l.contains("console-signin-failures  OK -> ALARM"));

        Run pub = cli("monitor", "publish", "--to", "kafka://" + bootstrap + "/" + topic, "trail.jsonl");
        assertThat(pub.code()).as(pub.err()).isEqualTo(ExitCode.OK.code);
        Run kafka = cli("monitor", "run", "--pack", "cis", "--input", "kafka://" + bootstrap + "/" + topic + "?group=cli", "--flush",
                "--idle-stop", "3s", "--state", "org", "--store", "jdbc:sqlite:" + dir.resolve("g.db"));
        assertThat(kafka.err()).isEmpty();
        assertThat(kafka.code()).isEqualTo(ExitCode.OK.code);
        assertThat(kafka.out()).contains("\nkafka://" + bootstrap + "/" + topic + "?group=cli: " + lines.size() + " records, " + lines.size()
                + " events, 0 repeated event ids dropped, 0 already in the stored state, 0 unreadable; ");
        assertThat(kafka.out()).contains("state 'org@" + topic + "-0': " + lines.size() + " events");
        assertThat(transitions(kafka.out())).isEqualTo(transitions(file.out()));
        assertThat(alarms(kafka.out())).isEqualTo(alarms(file.out()));

        Run again = cli("monitor", "run", "--pack", "cis", "--input", "kafka://" + bootstrap + "/" + topic + "?group=cli2", "--flush",
                "--idle-stop", "3s", "--state", "org", "--store", "jdbc:sqlite:" + dir.resolve("g.db"));
        assertThat(again.code()).isEqualTo(ExitCode.OK.code);
        assertThat(again.out()).as("a new group still starts after the stored watermark")
                .contains("/" + topic + "?group=cli2: 0 records, 0 events").contains("state 'org@" + topic + "-0': " + lines.size() + " events")
                .contains("transitions: 0 this run, " + transitions(file.out()).size() + " in total");
    }

    @Test
    void aKafkaInputWithoutAGroupOrMixedWithFilesIsAUsageError() throws Exception {
        Run noGroup = cli("monitor", "run", "--pack", "cis", "--input", "kafka://localhost:9092/signins",
                "--store", "jdbc:sqlite:" + dir.resolve("g.db"));
        assertThat(noGroup.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(noGroup.err()).startsWith("--input:1:").contains("a Kafka input needs a consumer group: add ?group=NAME");

        Files.writeString(dir.resolve("a.jsonl"), record("x", 0, "ConsoleLogin", "signin.amazonaws.com", true) + "\n");
        Run mixed = cli("monitor", "run", "--pack", "cis", "--input", "kafka://localhost:9092/signins?group=g", "--input", "a.jsonl",
                "--store", "jdbc:sqlite:" + dir.resolve("g.db"));
        assertThat(mixed.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(mixed.err()).isEqualTo("--input:1:1: error: a Kafka input cannot be combined with other inputs\n"
                + "  hint: run one gatehouse monitor per input, or publish the files to the topic\n");

        Run idle = cli("monitor", "run", "--pack", "cis", "--input", "a.jsonl", "--idle-stop", "3s",
                "--store", "jdbc:sqlite:" + dir.resolve("g.db"));
        assertThat(idle.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(idle.err()).startsWith("--idle-stop:1:1: error: --idle-stop applies to Kafka, --follow and HTTP inputs only");
    }
}
