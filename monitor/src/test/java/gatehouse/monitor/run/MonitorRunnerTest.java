package gatehouse.monitor.run;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.audit.AuditEntry;
import gatehouse.audit.AuditLog;
import gatehouse.core.Diagnostic;
import gatehouse.monitor.alarm.AlarmState;
import gatehouse.monitor.cis.CisPack;
import gatehouse.store.EachStore;
import gatehouse.store.Store;
import gatehouse.store.TestStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run over real files and a real store: transitions, audit, resume, duplicates, late events, bad input. The cases
 * that keep state across runs run on each store dialect ({@link EachStore}), the others on SQLite.
 */
public class MonitorRunnerTest {
    @TempDir
    Path dir;

    /** The start of the trails the records below build (the monitor's run, follow and HTTP tests use them). */
    public static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    public static String failure(String id, long second) {
        return "{\"eventID\":\"" + id + "\",\"eventTime\":\"" + T0.plusSeconds(second) + "\",\"eventName\":\"ConsoleLogin\","
                + "\"eventSource\":\"signin.amazonaws.com\",\"errorMessage\":\"Failed authentication\","
                + "\"userIdentity\":{\"type\":\"IAMUser\"}}";
    }

    public static String benign(String id, long second) {
        return "{\"eventID\":\"" + id + "\",\"eventTime\":\"" + T0.plusSeconds(second) + "\",\"eventName\":\"DescribeInstances\","
                + "\"eventSource\":\"ec2.amazonaws.com\",\"userIdentity\":{\"type\":\"IAMUser\"}}";
    }

    record Outcome(MonitorRunner.Summary summary, String out, List<MonitorRunner.Warning> warnings, List<Diagnostic> errors) {}

    Outcome run(Store store, List<String> inputs, MonitorRunner.Options options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        List<MonitorRunner.Warning> warnings = new ArrayList<>();
        List<Diagnostic> errors = new ArrayList<>();
        MonitorRunner r = new MonitorRunner(CisPack.load(MonitorConfig.BUILT_IN_ACTIONS), store, options,
                Map.of("log", LogAction.factory(ps, false)), warnings::add);
        MonitorRunner.Summary s = r.run(inputs, new ByteArrayInputStream(new byte[0]), errors::add, null);
        return new Outcome(s, out.toString(StandardCharsets.UTF_8), warnings, errors);
    }

    static MonitorRunner.Options options(boolean flush) {
        return new MonitorRunner.Options("cis", Duration.ofMinutes(2), flush, false, 100_000, Duration.ofSeconds(1));
    }

    static AlarmState state(MonitorRunner.Summary s, String alarm) {
        return s.alarms().stream().filter(a -> a.definition().name().equals(alarm)).findFirst().orElseThrow().state();
    }

    Path write(String name, String... lines) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, String.join("\n", lines) + "\n");
        return p;
    }

    @EachStore
    void threeFailuresAlarmTheSeedsAlarmAndEveryTransitionIsAuditedAndStored(TestStore t) throws Exception {
        Store store = t.open();
        Path in = write("a.jsonl", failure("f1", 10), failure("f2", 20), benign("b1", 30), failure("f3", 40), benign("b2", 400));
        Outcome o = run(store, List.of(in.toString()), options(true));
        assertThat(o.errors()).isEmpty();
        assertThat(state(o.summary(), "console-signin-failures")).isEqualTo(AlarmState.ALARM);
        assertThat(state(o.summary(), "cis-console-authentication-failures")).isEqualTo(AlarmState.ALARM);
        assertThat(state(o.summary(), "cis-root-account-usage")).isEqualTo(AlarmState.OK);
        assertThat(o.out()).contains("2026-12-02T10:05:00Z  console-signin-failures  INSUFFICIENT_DATA -> ALARM  Threshold Crossed: "
                + "1 datapoint [3.0 (02/12/26 10:00:00)] was greater than or equal to the threshold (3.0).");
        long transitions = o.summary().transitions();
        assertThat(transitions).isEqualTo(o.out().lines().count());
        try (AuditLog audit = AuditLog.open(store)) {
            List<AuditEntry> entries = audit.entries(new AuditLog.Query(null, MonitorRunner.AUDIT_ACTOR, "alarm.transition", 0));
            assertThat(entries).hasSize((int) transitions);
            assertThat(entries).anySatisfy(e -> {
                assertThat(e.subject()).isEqualTo("console-signin-failures");
                assertThat(e.result()).isEqualTo("ALARM");
            });
        }
        assertThat(count(store, "SELECT count(*) FROM monitor_transitions WHERE delivered = 1")).isEqualTo(transitions);
    }

    @EachStore
    void aSecondRunOverTheSameInputSkipsItAndRepeatedEventsCountOnce(TestStore t) throws Exception {
        Store store = t.open();
        // an id from the stream may hold what a text column cannot keep as it is (NUL, an unpaired surrogate)
        String odd = "f2\\u0000\\ud800";
        Path a = write("a.jsonl", failure("f1", 10), failure(odd, 20));
        Outcome first = run(store, List.of(a.toString()), options(false));
        assertThat(first.summary().events()).isEqualTo(2);
        Outcome again = run(store, List.of(a.toString()), options(false));
        assertThat(again.summary().skipped()).isEqualTo(2);
        assertThat(again.summary().events()).isEqualTo(2);
        assertThat(again.summary().transitionsThisRun()).isZero();
        // another file that repeats f1 and f2 (an overlapping download) and adds one failure: still only 3 failures
        Path b = write("b.jsonl", failure("f1", 10), failure(odd, 20), failure("f3", 30), benign("b", 500));
        Outcome third = run(store, List.of(b.toString()), options(true));
        assertThat(third.summary().duplicates()).isEqualTo(2);
        assertThat(state(third.summary(), "console-signin-failures")).isEqualTo(AlarmState.ALARM);
        assertThat(third.out()).contains("[3.0 (02/12/26 10:00:00)]");
    }

    @Test
    void lateEventsAreReportedNotCounted() throws Exception {
        Store store = Store.open("jdbc:sqlite:" + dir.resolve("g.db"), true);
        Path in = write("a.jsonl", failure("f1", 10), failure("f2", 20), benign("b1", 1000), failure("f3", 30), benign("b2", 1300));
        Outcome o = run(store, List.of(in.toString()), options(true));
        assertThat(o.summary().lateEvents()).isEqualTo(1);
        assertThat(o.warnings()).singleElement().satisfies(w -> {
            assertThat(w.origin()).isEqualTo(in + ":4");
            assertThat(w.message()).contains("event f3 at 2026-12-02T10:00:30Z is late").contains("console-signin-failures");
        });
        assertThat(o.out()).doesNotContain("console-signin-failures  INSUFFICIENT_DATA -> ALARM");
    }

    @Test
    void malformedInputIsReportedWithItsPositionAndTheStreamGoesOn() throws Exception {
        Store store = Store.open("jdbc:sqlite:" + dir.resolve("g.db"), true);
        Path bad = write("bad.jsonl", failure("f1", 10), "{\"eventID\": \"x\", oops}");
        Path good = write("good.jsonl", failure("f2", 20), failure("f3", 30), benign("b", 400));
        Outcome o = run(store, List.of(bad.toString(), good.toString()), options(true));
        assertThat(o.errors()).singleElement().satisfies(d -> assertThat(d.render()).startsWith(bad + ":2:"));
        assertThat(state(o.summary(), "console-signin-failures")).isEqualTo(AlarmState.ALARM);
    }

    static long count(Store store, String sql) throws Exception {
        try (Connection c = store.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
