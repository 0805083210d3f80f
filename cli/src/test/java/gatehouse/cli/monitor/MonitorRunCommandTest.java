package gatehouse.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.cli.Cli;
import gatehouse.cli.ExitCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse monitor run} in process: text and JSON output, user configurations, stdin, and its errors. */
class MonitorRunCommandTest {
    /** A configuration of its own: one filter counting failed sign-ins, one alarm at a threshold given by %d. */
    static final String FAILURES_ALARM = """
            name: mine
            metricFilters:
              - name: failures
                pattern: '{ $.errorMessage = "Failed authentication" }'
                metricName: Failures
                metricNamespace: Mine
            alarms:
              - name: two-failures
                namespace: Mine
                metricName: Failures
                period: 60
                comparisonOperator: GreaterThanOrEqualToThreshold
                threshold: %d
                actions: [log]
            """;

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    Run cli(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), dir);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String failure(int i, String time) {
        return "{\"eventID\":\"e" + i + "\",\"eventTime\":\"" + time + "\",\"eventName\":\"ConsoleLogin\","
                + "\"errorMessage\":\"Failed authentication\",\"userIdentity\":{\"type\":\"IAMUser\"}}\n";
    }

    static final String THREE_FAILURES = failure(1, "2026-12-02T10:00:01Z") + failure(2, "2026-12-02T10:01:00Z")
            + failure(3, "2026-12-02T10:04:59Z");

    String store() {
        return "jdbc:sqlite:" + dir.resolve("g.db");
    }

    @Test
    void cisPackOverStandardInputInText() {
        Run r = cli(THREE_FAILURES, "monitor", "run", "--pack", "cis", "--store", store(), "--flush");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isEqualTo(ExitCode.OK.code);
        assertThat(r.out()).contains("2026-12-02T10:05:00Z  console-signin-failures  INSUFFICIENT_DATA -> ALARM  Threshold Crossed: "
                + "1 datapoint [3.0 (02/12/26 10:00:00)] was greater than or equal to the threshold (3.0).\n");
        assertThat(r.out()).contains("3 records read; state 'cis': 3 events, 0 duplicates, 0 late, 0 without eventTime\n");
        assertThat(r.out()).containsPattern("(?m)^ALARM +console-signin-failures +Threshold Crossed");
        assertThat(r.out()).containsPattern("(?m)^OK +cis-root-account-usage ");
    }

    @Test
    void userConfigurationInJson() throws Exception {
        Files.writeString(dir.resolve("alarms.yaml"), FAILURES_ALARM.formatted(2));
        Run r = cli(THREE_FAILURES, "monitor", "run", "--config", "alarms.yaml", "--input", "-", "--store", store(),
                "--lateness", "30s", "--format", "json", "--flush");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isZero();
        List<String> lines = r.out().lines().toList();
        ObjectMapper m = new ObjectMapper();
        JsonNode first = m.readTree(lines.get(0));
        assertThat(first.get("type").asText()).isEqualTo("transition");
        assertThat(first.get("alarm").asText()).isEqualTo("two-failures");
        assertThat(first.get("oldState").asText()).isEqualTo("INSUFFICIENT_DATA");
        JsonNode summary = m.readTree(lines.get(lines.size() - 1));
        assertThat(summary.get("type").asText()).isEqualTo("summary");
        assertThat(summary.get("state").asText()).isEqualTo("mine");
        assertThat(summary.get("events").asLong()).isEqualTo(3);
        assertThat(summary.get("alarms").get(0).get("name").asText()).isEqualTo("two-failures");
    }

    @Test
    void anAlarmWhoseDefinitionChangedIsReportedAndStartsAfresh() throws Exception {
        Files.writeString(dir.resolve("alarms.yaml"), FAILURES_ALARM.formatted(2));
        Run first = cli(failure(1, "2026-12-02T10:00:01Z"), "monitor", "run", "--config", "alarms.yaml", "--input", "-",
                "--store", store());
        assertThat(first.err()).isEmpty();
        Files.writeString(dir.resolve("alarms.yaml"), FAILURES_ALARM.formatted(3));
        // the text run warns and stores the new definition; the JSON run after it has nothing to warn of
        for (String format : List.of("text", "json")) {
            Run again = cli(failure(2, "2026-12-02T10:00:02Z"), "monitor", "run", "--config", "alarms.yaml", "--input", "-",
                    "--store", store(), "--format", format);
            assertThat(again.code()).isZero();
            assertThat(again.err()).as(format)
                    .isEqualTo(format.equals("text") ? "gatehouse: warning: alarm two-failures changed since its state was stored;"
                            + " it starts afresh\n" : "");
            assertThat(again.out()).contains(format.equals("text") ? "state 'mine': " : "\"type\":\"summary\"");
        }
    }

    @Test
    void aBadConfigurationIsOneLineWithItsPositionAndExit2() throws Exception {
        Files.writeString(dir.resolve("bad.yaml"), """
                metricFilters:
                  - name: f
                    pattern: '{ $.x = }'
                    metricName: M
                    metricNamespace: N
                """);
        Run r = cli("", "monitor", "run", "--config", "bad.yaml", "--store", store());
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).startsWith("bad.yaml:3:23: error: in the pattern of metric filter f: ").contains("  hint: ")
                .doesNotContain("Exception");
        assertThat(cli("", "monitor", "run", "--config", "nope.yaml", "--store", store()).err())
                .startsWith("nope.yaml:1:1: error: no such file");
        assertThat(cli("", "monitor", "run", "--pack", "nist", "--store", store()).code()).isEqualTo(2);
        Run late = cli("", "monitor", "run", "--pack", "cis", "--lateness", "soon", "--store", store());
        assertThat(late.code()).isEqualTo(2);
        assertThat(late.err()).startsWith("--lateness:1:1: error: 'soon' is not a duration");
    }

    @Test
    void badInputIsReportedTheStreamGoesOnAndTheExitIs2() throws Exception {
        Files.writeString(dir.resolve("bad.json"), "{\"Records\": [" + failure(1, "2026-12-02T10:00:01Z") + ", {oops");
        Files.writeString(dir.resolve("good.jsonl"), failure(2, "2026-12-02T10:01:00Z") + failure(3, "2026-12-02T10:02:00Z"));
        Run r = cli("", "monitor", "run", "--pack", "cis", "--input", "bad.json", "--input", "missing.json", "--input", "good.jsonl",
                "--store", store(), "--flush");
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).contains("bad.json:2:").contains("missing.json: no such file or directory");
        assertThat(r.out()).contains("console-signin-failures  INSUFFICIENT_DATA -> ALARM");
    }

    @Test
    void runningAgainContinuesAndResetStartsOver() {
        assertThat(cli(THREE_FAILURES, "monitor", "run", "--pack", "cis", "--store", store()).code()).isZero();
        Run again = cli(THREE_FAILURES, "monitor", "run", "--pack", "cis", "--store", store(), "--flush");
        assertThat(again.out()).contains("3 records read (3 skipped: already processed)");
        Run reset = cli(THREE_FAILURES, "monitor", "run", "--pack", "cis", "--store", store(), "--reset", "--flush");
        assertThat(reset.out()).contains("3 records read; ").contains("console-signin-failures  INSUFFICIENT_DATA -> ALARM");
    }
}
