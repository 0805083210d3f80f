package gatehouse.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.store.EachStore;
import gatehouse.store.TestStore;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill {@code gatehouse monitor run} with SIGKILL in the middle of a replay, start it again with the same arguments,
 * and compare with an uninterrupted run: the same final alarm states, the same transitions (number, order, states,
 * times) and the same counters. Real processes, a generated CloudTrail file with repeated and late events. The
 * uninterrupted run is made once, on SQLite; the killed and restarted one runs on each store dialect
 * ({@link EachStore}), so PostgreSQL is also held to the very rows SQLite stores.
 */
class MonitorRunRestartTest {
    static final int RECORDS = 120_000;

    /** Shared by both dialects' cases: the generated input and the uninterrupted run's store. */
    @TempDir
    static Path dir;

    private static boolean generated;

    static final String[] BENIGN = {"DescribeInstances", "GetObject", "ListBuckets", "AssumeRole", "GetCallerIdentity",
            "DescribeSecurityGroups", "PutObject", "Decrypt"};
    static final String[] CIS = {"CreateTrail", "StopLogging", "PutBucketPolicy", "AuthorizeSecurityGroupIngress",
            "CreateNetworkAcl", "CreateRoute", "CreateVpc", "DeleteGroupPolicy", "AttachInternetGateway"};

    /** A deterministic CloudTrail file: times advance ~100 ms per record with +-20 s jitter; 1% repeats, 0.1% late. */
    static void generate(Path file) throws Exception {
        Random r = new Random(42);
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
        List<String> recent = new ArrayList<>();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("{\"Records\":[\n");
            long t = 0;
            for (int i = 0; i < RECORDS; i++) {
                String rec;
                if (i > 100 && r.nextInt(100) == 0) {
                    rec = recent.get(r.nextInt(recent.size())); // a repeat (same eventID)
                } else {
                    t += r.nextInt(500);
                    long at = t + r.nextInt(40_000) - 20_000;
                    if (r.nextInt(1000) == 0) {
                        at = t - 900_000; // 15 minutes late
                    }
                    int kind = r.nextInt(1000);
                    String name;
                    String source = "ec2.amazonaws.com";
                    String extra = "";
                    if (kind < 3) {
                        name = "ConsoleLogin";
                        source = "signin.amazonaws.com";
                        extra = ",\"errorMessage\":\"Failed authentication\"";
                    } else if (kind < 5) {
                        name = CIS[r.nextInt(CIS.length)];
                    } else if (kind < 7) {
                        name = "GetObject";
                        extra = ",\"errorCode\":\"AccessDenied\"";
                    } else {
                        name = BENIGN[r.nextInt(BENIGN.length)];
                    }
                    rec = "{\"eventVersion\":\"1.08\",\"eventID\":\"" + new java.util.UUID(r.nextLong(), r.nextLong())
                            + "\",\"eventTime\":\"" + t0.plusMillis(Math.max(0, at)) + "\",\"eventName\":\"" + name
                            + "\",\"eventSource\":\"" + source + "\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"203.0.113." + r.nextInt(255)
                            + "\",\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::123456789012:user/u" + r.nextInt(20) + "\"}"
                            + extra + "}";
                    recent.add(rec);
                    if (recent.size() > 5000) {
                        recent.remove(0);
                    }
                }
                w.write(rec);
                w.write(i + 1 < RECORDS ? ",\n" : "\n");
            }
            w.write("]}\n");
        }
    }

    Process start(String store, Path input, Path out) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "gatehouse.cli.Main", "monitor", "run", "--pack", "cis",
                "--input", input.toString(), "--store", store, "--lateness", "1m", "--flush",
                "--checkpoint-every", "2000"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.redirectOutput(out.toFile());
        pb.redirectError(dir.resolve(out.getFileName() + ".err").toFile());
        return pb.start();
    }

    static long scalar(String store, String sql) {
        try (Connection c = DriverManager.getConnection(store); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (Exception e) {
            return -1; // not created yet
        }
    }

    static List<String> rows(String store, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(store); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    sb.append(rs.getString(i)).append('|');
                }
                out.add(sb.toString());
            }
        }
        return out;
    }

    /** The input, and the uninterrupted run over it, made by the first case to need them. */
    synchronized String uninterrupted(Path input) throws Exception {
        String whole = "jdbc:sqlite:" + dir.resolve("whole.db");
        if (!generated) {
            generate(input);
            Process p = start(whole, input, dir.resolve("whole.out"));
            assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("whole.out.err"))).isZero();
            generated = true;
        }
        return whole;
    }

    @EachStore
    void killedAndRestartedEqualsUninterrupted(TestStore t) throws Exception {
        Path input = dir.resolve("trail.json");
        String whole = uninterrupted(input);

        String killed = t.url("killed");
        String tag = t.dialect().name().toLowerCase(java.util.Locale.ROOT) + "-";
        Process victim = start(killed, input, dir.resolve(tag + "first.out"));
        long position = -1;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline && victim.isAlive()) {
            position = scalar(killed, "SELECT position FROM monitor_checkpoints");
            if (position >= RECORDS / 5) {
                break;
            }
            Thread.sleep(20);
        }
        assertThat(victim.isAlive()).as("still running when killed (position %s)", position).isTrue();
        victim.destroyForcibly(); // SIGKILL: no shutdown hook, no final checkpoint
        victim.waitFor();
        long atKill = scalar(killed, "SELECT position FROM monitor_checkpoints");
        assertThat(atKill).isBetween((long) RECORDS / 5, (long) RECORDS - 1);

        Process again = start(killed, input, dir.resolve(tag + "second.out"));
        assertThat(again.waitFor(600, TimeUnit.SECONDS)).isTrue();
        assertThat(again.exitValue()).as(Files.readString(dir.resolve(tag + "second.out.err"))).isZero();
        assertThat(Files.readString(dir.resolve(tag + "second.out"))).contains("skipped: already processed");

        // sorted here, not by the database: PostgreSQL orders text by its collation, SQLite by code point
        String alarms = "SELECT alarm, state, transitions, late, next_eval_ms FROM monitor_alarms";
        String transitions = "SELECT seq, alarm, old_state, new_state, time_ms, reason FROM monitor_transitions ORDER BY seq";
        String counters = "SELECT position, max_event_ms, seq, counters FROM monitor_checkpoints";
        List<String> wholeTransitions = rows(whole, transitions);
        assertThat(wholeTransitions).hasSizeGreaterThan(20);
        assertThat(rows(killed, alarms).stream().sorted().toList()).isEqualTo(rows(whole, alarms).stream().sorted().toList());
        assertThat(rows(killed, transitions)).isEqualTo(wholeTransitions);
        assertThat(rows(killed, counters)).isEqualTo(rows(whole, counters));
        assertThat(rows(whole, counters).get(0)).contains("\"lateEvents\":").doesNotContain("\"duplicates\":0,");
        // every transition was delivered: printed by the log action of one of the two runs, and audited
        long printed = Files.readString(dir.resolve(tag + "first.out")).lines().filter(l -> l.contains(" -> ")).count()
                + Files.readString(dir.resolve(tag + "second.out")).lines().filter(l -> l.contains(" -> ")).count();
        assertThat(printed).isGreaterThanOrEqualTo(wholeTransitions.size());
        assertThat(scalar(killed, "SELECT count(*) FROM monitor_transitions WHERE delivered = 0")).isZero();
        assertThat(scalar(killed, "SELECT count(DISTINCT details) FROM audit_entries WHERE action = 'alarm.transition'"))
                .isEqualTo(wholeTransitions.size());
    }
}
