package gatehouse.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import gatehouse.cli.Cli;
import gatehouse.cli.ExitCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse monitor run} with webhook and command actions: a loopback receiver, a real process, exit 2 on errors. */
class MonitorRunActionsTest {
    @TempDir
    Path dir;
    HttpServer server;
    final List<String> bodies = new CopyOnWriteArrayList<>();

    record Run(int code, String out, String err) {}

    @BeforeEach
    void receiver() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    Run cli(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), dir);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String event(int i, int minute, boolean failure) {
        return "{\"eventID\":\"e" + i + "\",\"eventTime\":\"2026-12-02T10:" + String.format("%02d", minute) + ":05Z\","
                + "\"eventName\":\"ConsoleLogin\"" + (failure ? ",\"errorMessage\":\"Failed authentication\"" : "")
                + ",\"userIdentity\":{\"type\":\"IAMUser\"}}\n";
    }

    void config(String actions) throws Exception {
        Files.writeString(dir.resolve("alarms.yaml"), """
                name: mine
                dispatch: {dedupeWindow: 300, burst: 5, ratePerMinute: 2}
                metricFilters:
                  - name: failures
                    pattern: '{ $.errorMessage = "Failed authentication" }'
                    metricName: Failures
                    metricNamespace: Mine
                    defaultValue: 0
                alarms:
                  - name: any-failure
                    namespace: Mine
                    metricName: Failures
                    period: 60
                    comparisonOperator: GreaterThanOrEqualToThreshold
                    threshold: 1
                    actions:
                """ + actions.indent(6));
    }

    String store() {
        return "jdbc:sqlite:" + dir.resolve("g.db");
    }

    @Test
    void aFlappingAlarmCallsTheWebhookOncePerStateAndRunsTheCommand() throws Exception {
        Path marker = dir.resolve("alarmed.txt");
        config("""
                - {type: webhook, url: 'http://127.0.0.1:%d/hook', on: [ALARM, OK]}
                - type: command
                  command: [sh, -c, 'echo "$GATEHOUSE_ALARM $GATEHOUSE_OLD_STATE" >> "$MARKER"']
                  env: {MARKER: '%s'}
                  on: ALARM
                """.formatted(server.getAddress().getPort(), marker));
        StringBuilder in = new StringBuilder();
        for (int m = 0; m < 20; m++) {
            in.append(event(m, m, m % 2 == 0));
        }
        Run r = cli(in.toString(), "monitor", "run", "--config", "alarms.yaml", "--store", store(), "--lateness", "30s", "--flush");
        assertThat(r.code()).isEqualTo(ExitCode.OK.code);
        assertThat(bodies).hasSize(2);
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(bodies.get(0)).path("details").path("newState").asText()).isEqualTo("ALARM");
        assertThat(json.readTree(bodies.get(1)).path("details").path("newState").asText()).isEqualTo("OK");
        assertThat(Files.readAllLines(marker)).containsExactly("any-failure INSUFFICIENT_DATA");
        assertThat(r.err()).contains("notifications suppressed");
    }

    @Test
    void configurationErrorsOfActionsAreOneLineWithPositionAndExit2() throws Exception {
        config("- {type: webhook, on: ALARM}");
        Run r = cli("", "monitor", "run", "--config", "alarms.yaml", "--store", store());
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).startsWith("alarms.yaml:17:9: error: a webhook action has no url\n  hint: ").doesNotContain("Exception");

        config("- {type: webhook, url: 'http://127.0.0.1:1/x', secretEnv: GATEHOUSE_TEST_UNSET_SECRET_4711}");
        r = cli("", "monitor", "run", "--config", "alarms.yaml", "--store", store());
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).startsWith("alarms.yaml:17:65: error: environment variable GATEHOUSE_TEST_UNSET_SECRET_4711")
                .contains("hint: export GATEHOUSE_TEST_UNSET_SECRET_4711");

        config("- {type: sms}");
        r = cli("", "monitor", "run", "--config", "alarms.yaml", "--store", store());
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).startsWith("alarms.yaml:17:9: error: unknown action type sms\n  hint: available here: command, log, webhook");
    }
}
