package gatehouse.monitor.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import gatehouse.audit.AuditEntry;
import gatehouse.audit.AuditLog;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.monitor.action.WebhookAction;
import gatehouse.store.Store;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Webhook and command alarm actions through the dispatcher, end to end: a gzipped CloudTrail file drives an alarm,
 * a real loopback HTTP receiver checks the HMAC signature, a real process writes a file, a flapping alarm is
 * de-duplicated and rate-limited, and configuration errors point at their place.
 */
class AlarmActionsTest {
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    static final String SECRET = "s3cr3t-hmac-key-for-the-test";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger status = new AtomicInteger(200);

    record Received(String signature, String event, String delivery, byte[] body) {}

    @BeforeEach
    void receiver() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            received.add(new Received(ex.getRequestHeaders().getFirst("X-Gatehouse-Signature"),
                    ex.getRequestHeaders().getFirst("X-Gatehouse-Event"), ex.getRequestHeaders().getFirst("X-Gatehouse-Delivery"),
                    body));
            byte[] answer = "thanks".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status.get(), answer.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(answer);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    static String failure(String id, long second) {
        return "{\"eventVersion\":\"1.08\",\"eventID\":\"" + id + "\",\"eventTime\":\"" + T0.plusSeconds(second)
                + "\",\"eventName\":\"ConsoleLogin\",\"eventSource\":\"signin.amazonaws.com\",\"awsRegion\":\"us-east-1\","
                + "\"errorMessage\":\"Failed authentication\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"alice\"}}";
    }

    static String benign(String id, long second) {
        return "{\"eventVersion\":\"1.08\",\"eventID\":\"" + id + "\",\"eventTime\":\"" + T0.plusSeconds(second)
                + "\",\"eventName\":\"DescribeInstances\",\"eventSource\":\"ec2.amazonaws.com\",\"awsRegion\":\"us-east-1\","
                + "\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"bob\"}}";
    }

    /** A CloudTrail log file as S3 holds it: gzipped {@code {"Records":[...]}}. */
    Path cloudTrail(String name, List<String> records) throws Exception {
        Path p = dir.resolve(name);
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(p))) {
            o.write(("{\"Records\":[" + String.join(",", records) + "]}").getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    static String config(String dispatch, String actions) {
        return """
                name: signins
                %s
                metricFilters:
                  - name: failures
                    pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
                    metricName: SignInFailures
                    metricNamespace: Test
                    defaultValue: 0
                alarms:
                  - name: signin-failures
                    namespace: Test
                    metricName: SignInFailures
                    period: 60
                    comparisonOperator: GreaterThanOrEqualToThreshold
                    threshold: 1
                    treatMissingData: notBreaching
                    actions:
                %s
                """.formatted(dispatch, actions.indent(6).stripTrailing());
    }

    record Outcome(MonitorRunner.Summary summary, List<MonitorRunner.Warning> warnings, String log,
                   gatehouse.monitor.action.Dispatcher.Stats stats) {}

    Outcome run(Store store, String configText, Map<String, String> env, Path input) {
        MonitorConfig config = MonitorConfig.parse("alarms.yaml", configText, java.util.Set.of("log", "webhook", "command"));
        List<MonitorRunner.Warning> warnings = new ArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        gatehouse.monitor.action.Dispatcher.Stats stats;
        MonitorRunner.Summary s;
        try (AlarmActions actions = new AlarmActions(store, env::get, Clock.systemUTC())) {
            Map<String, ActionFactory> f = new HashMap<>(actions.factories());
            f.put("log", LogAction.factory(new PrintStream(out, true, StandardCharsets.UTF_8), false));
            MonitorRunner r = new MonitorRunner(config, store, new MonitorRunner.Options("t", Duration.ofMinutes(2), true, false,
                    100_000, Duration.ofSeconds(1)), f, warnings::add);
            List<Diagnostic> errors = new ArrayList<>();
            s = r.run(List.of(input.toString()), new ByteArrayInputStream(new byte[0]), errors::add, null);
            assertThat(errors).isEmpty();
            stats = actions.stats();
        }
        return new Outcome(s, warnings, out.toString(StandardCharsets.UTF_8), stats);
    }

    Store store() {
        return Store.open("jdbc:sqlite:" + dir.resolve("g.db"), true);
    }

    static long delivered(Store store) throws Exception {
        try (Connection c = store.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM monitor_transitions WHERE delivered = 1")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<AuditEntry> audit(Store store, String action) {
        try (AuditLog log = AuditLog.open(store)) {
            return log.entries(new AuditLog.Query(null, null, action, 0));
        }
    }

    @Test
    void aCloudTrailFileAlarmsAndTheReceiverGetsTheSignedTransition() throws Exception {
        Store store = store();
        Path in = cloudTrail("trail.json.gz", List.of(failure("f1", 5), benign("b1", 30), benign("b2", 200)));
        Outcome o = run(store, config("", """
                - log
                - type: webhook
                  url: %s
                  secretEnv: HOOK_SECRET
                  on: ALARM
                """.formatted(url())), Map.of("HOOK_SECRET", SECRET), in);

        assertThat(o.warnings()).isEmpty();
        assertThat(o.log()).contains("signin-failures  INSUFFICIENT_DATA -> ALARM").contains("ALARM -> OK");
        assertThat(received).hasSize(1); // the ALARM transition only: the OK one is not in "on"
        Received r = received.get(0);
        assertThat(r.signature()).isEqualTo(WebhookAction.signature(SECRET, r.body()));
        assertThat(r.event()).isEqualTo("alarm.transition");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("kind").asText()).isEqualTo("alarm.transition");
        assertThat(body.path("key").asText()).isEqualTo("alarm/signin-failures/ALARM");
        assertThat(body.path("time").asText()).isEqualTo("2026-12-02T10:01:00Z");
        assertThat(body.path("details").path("alarm").asText()).isEqualTo("signin-failures");
        assertThat(body.path("details").path("oldState").asText()).isEqualTo("INSUFFICIENT_DATA");
        assertThat(body.path("details").path("newState").asText()).isEqualTo("ALARM");
        assertThat(body.path("details").path("transitionId").asText()).isEqualTo("signin-failures#1");
        JsonNode last = body.path("details").path("datapoints").get(body.path("details").path("datapoints").size() - 1);
        assertThat(last.toString()).isEqualTo("{\"start\":\"2026-12-02T10:00:00Z\",\"value\":1.0}");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain(SECRET);

        assertThat(delivered(store)).isEqualTo(o.summary().transitions()).isEqualTo(2);
        List<AuditEntry> hooks = audit(store, "action.webhook");
        assertThat(hooks).singleElement().satisfies(e -> {
            assertThat(e.result()).isEqualTo("ok");
            assertThat(e.subject()).isEqualTo("signin-failures");
            assertThat(e.details()).contains("HTTP 200").doesNotContain(SECRET);
        });
    }

    @Test
    void aCommandActionWritesTheAlarmNameFromItsEnvironment() throws Exception {
        Store store = store();
        Path out = dir.resolve("paged.txt");
        Path in = cloudTrail("trail.json.gz", List.of(failure("f1", 5), benign("b1", 70)));
        Outcome o = run(store, config("", """
                - type: command
                  command: [sh, -c, 'printf "%%s %%s" "$GATEHOUSE_ALARM" "$GATEHOUSE_NEW_STATE" >> "$OUT_FILE"']
                  env: {OUT_FILE: '%s'}
                  on: [ALARM]
                """.formatted(out)), Map.of(), in);
        assertThat(o.warnings()).isEmpty();
        assertThat(Files.readString(out)).isEqualTo("signin-failures ALARM");
        assertThat(audit(store, "action.command")).singleElement().satisfies(e -> assertThat(e.result()).isEqualTo("ok"));
    }

    /** An alarm flapping ALARM/OK every minute for 40 minutes (a non-matching event makes a 0 datapoint). */
    Path storm() throws Exception {
        List<String> records = new ArrayList<>();
        for (int minute = 0; minute < 40; minute++) {
            if (minute % 2 == 0) {
                records.add(failure("f" + minute, minute * 60L + 5));
            }
            records.add(benign("b" + minute, minute * 60L + 30));
        }
        return cloudTrail("storm.json.gz", records);
    }

    @Test
    void aStormIsDeDuplicatedToOneNotificationPerStateAndEveryTransitionIsStillDelivered() throws Exception {
        Store store = store();
        Outcome o = run(store, config("dispatch: {dedupeWindow: 600}", "- {type: webhook, url: '" + url() + "'}"), Map.of(),
                storm());
        assertThat(o.summary().transitions()).isGreaterThanOrEqualTo(39);
        assertThat(received).hasSize(2); // one ALARM, one OK
        assertThat(received).extracting(x -> JSON.readTree(x.body()).path("key").asText())
                .containsExactly("alarm/signin-failures/ALARM", "alarm/signin-failures/OK");
        assertThat(received.get(0).signature()).isNull(); // no secretEnv: unsigned
        assertThat(o.stats().duplicates()).isEqualTo(o.summary().transitions() - 2);
        assertThat(delivered(store)).isEqualTo(o.summary().transitions());
        assertThat(audit(store, "action.suppressed")).singleElement()
                .satisfies(e -> assertThat(e.result()).isEqualTo((o.summary().transitions() - 2) + " suppressed"));
    }

    @Test
    void withoutDeDuplicationTheTokenBucketBoundsTheStorm() throws Exception {
        Store store = store();
        Outcome o = run(store, config("dispatch: {dedupeWindow: 0, burst: 3, ratePerMinute: 1}",
                "- {type: webhook, url: '" + url() + "'}"), Map.of(), storm());
        assertThat(received).hasSize(3);
        assertThat(o.stats().rateLimited()).isEqualTo(o.summary().transitions() - 3);
        assertThat(delivered(store)).isEqualTo(o.summary().transitions());
    }

    @Test
    void aFailingReceiverIsRetriedThenReportedAndTheTransitionStillCountsAsDelivered() throws Exception {
        status.set(503);
        Store store = store();
        Path in = cloudTrail("trail.json.gz", List.of(failure("f1", 5), benign("b1", 70)));
        Outcome o = run(store, config("", "- {type: webhook, url: '" + url() + "', retries: 1, timeout: 2, on: ALARM}"),
                Map.of(), in);
        assertThat(received).hasSize(2); // first attempt and one retry
        assertThat(received.get(0).delivery()).isEqualTo(received.get(1).delivery()); // same delivery id on retry
        assertThat(o.warnings()).singleElement().satisfies(w -> assertThat(w.message())
                .contains("signin-failures#1").contains("failed after 2 attempts: HTTP 503"));
        assertThat(delivered(store)).isEqualTo(o.summary().transitions());
        assertThat(audit(store, "action.webhook")).singleElement().satisfies(e -> assertThat(e.result()).isEqualTo("failed"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown type        | - {type: pager}                                             | 18:9  | unknown action type pager
            missing url         | - {type: webhook, on: ALARM}                                | 18:9  | a webhook action has no url
            not a url           | - {type: webhook, url: 'ftp://x/y'}                         | 18:30 | absolute http:// or https://
            bad secretEnv name  | - {type: webhook, url: 'http://h/x', secretEnv: 'ab-c d'}   | 18:55 | bad environment variable name
            unset secretEnv     | - {type: webhook, url: 'http://h/x', secretEnv: NOT_SET_X}  | 18:55 | NOT_SET_X (the HMAC key of this webhook) is not set
            unknown key         | - {type: webhook, url: 'http://h/x', secret: abc}           | 18:44 | unknown key secret
            bad state           | - {type: webhook, url: 'http://h/x', on: ALARMS}            | 18:48 | unknown state 'ALARMS'
            command as string   | - {type: command, command: 'rm -rf /'}                      | 18:34 | command must be a non-empty list
            bad env name        | - {type: command, command: [x], env: {'A-B': '1'}}          | 18:45 | bad environment variable name A-B
            bare webhook        | - webhook                                                   | 18:9  | a webhook action needs its options
            bad window          | - log                                                       | 2:26  | dedupeWindow
            bad retries         | - {type: webhook, url: 'http://h/x', retries: 99}           | 18:53 | retries must be a whole number from 0 to 10
            bad timeout         | - {type: command, command: [x], timeout: 0}                 | 18:48 | timeout must be a whole number from 1 to 3600
            """)
    void configurationErrorsPointAtTheirPlace(String what, String action, String at, String message) {
        String dispatch = what.equals("bad window") ? "dispatch: {dedupeWindow: -1}" : "";
        assertThatThrownBy(() -> run(store(), config(dispatch, action), Map.of(), cloudTrail("x.gz", List.of())))
                .isInstanceOfSatisfying(InputException.class, e -> {
                    Diagnostic d = e.first();
                    assertThat(d.span().file()).isEqualTo("alarms.yaml");
                    assertThat(d.span().line() + ":" + d.span().column()).isEqualTo(at);
                    assertThat(d.message()).contains(message);
                    assertThat(d.hint()).isNotBlank();
                    assertThat(d.render()).doesNotContain(SECRET);
                });
    }
}
