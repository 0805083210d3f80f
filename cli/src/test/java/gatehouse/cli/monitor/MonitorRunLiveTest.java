package gatehouse.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.cli.Cli;
import gatehouse.cli.ExitCode;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse monitor run --follow} and {@code --input http://…}: in process with {@code --idle-stop}, as a
 * real process stopped with SIGTERM (the state is committed and the summary printed), and the usage errors.
 */
class MonitorRunLiveTest {
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    /** Runs the CLI in process, with a store in the test's directory unless the arguments name one. */
    Run cli(String... given) {
        List<String> a = new ArrayList<>(List.of(given));
        if (!a.contains("--store")) {
            a.addAll(List.of("--store", "jdbc:sqlite:" + dir.resolve("g.db")));
        }
        String[] args = a.toArray(String[]::new);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), dir);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String failure(String id, long second) {
        return "{\"eventID\":\"" + id + "\",\"eventTime\":\"" + T0.plusSeconds(second) + "\",\"eventName\":\"ConsoleLogin\","
                + "\"eventSource\":\"signin.amazonaws.com\",\"errorMessage\":\"Failed authentication\","
                + "\"userIdentity\":{\"type\":\"IAMUser\"}}";
    }

    Path deliver(String name, String... records) throws Exception {
        Path folder = dir.resolve("AWSLogs/111122223333/CloudTrail/eu-west-1/2026/12/02");
        Files.createDirectories(folder);
        Path tmp = folder.resolve(name + ".tmp");
        Files.writeString(tmp, "{\"Records\":[" + String.join(",", records) + "]}");
        return Files.move(tmp, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void followReadsEachFileOnceAcrossRunsAndStopsWhenIdle() throws Exception {
        deliver("111122223333_CloudTrail_eu-west-1_20261202T1005Z_a.json", failure("f1", 10), failure("f2", 20));
        String[] args = {"monitor", "run", "--pack", "cis", "--input", "AWSLogs", "--follow", "--poll-interval", "100ms",
            "--settle", "0s", "--idle-stop", "1s", "--store", "jdbc:sqlite:" + dir.resolve("g.db")};
        Run first = cli(args);
        assertThat(first.code()).as(first.err()).isEqualTo(ExitCode.OK.code);
        assertThat(first.err()).contains("gatehouse: following " + dir.resolve("AWSLogs")).contains("1 files read");
        assertThat(first.out()).contains("2 records read; state 'cis': 2 events");
        deliver("111122223333_CloudTrail_eu-west-1_20261202T1010Z_b.json", failure("f3", 30));
        Run second = cli(args);
        assertThat(second.code()).as(second.err()).isEqualTo(ExitCode.OK.code);
        assertThat(second.out()).contains("1 records read; state 'cis': 3 events");
    }

    @Test
    void aBadFileIsReportedWithItsPositionAndTheFollowGoesOn() throws Exception {
        Path folder = dir.resolve("logs");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("a.jsonl"), failure("f1", 10) + "\n{\"eventID\": oops}\n" + "x".repeat(100) + "\n");
        Files.writeString(folder.resolve("b.jsonl"), failure("f2", 20) + "\n");
        Run r = cli("monitor", "run", "--pack", "cis", "--input", "logs", "--follow", "--poll-interval", "100ms", "--settle", "0s",
                "--idle-stop", "1s", "--store", "jdbc:sqlite:" + dir.resolve("g.db"));
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).contains(folder.resolve("a.jsonl") + ":2:18: error: invalid JSON").doesNotContain("Exception");
        assertThat(r.out()).contains("state 'cis': 2 events");
    }

    @Test
    void usageErrors() throws Exception {
        String store = "jdbc:sqlite:" + dir.resolve("g.db");
        Run stdin = cli("monitor", "run", "--pack", "cis", "--input", "-", "--follow", "--store", store);
        assertThat(stdin.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(stdin.err()).contains("standard input cannot be followed");
        Run remote = cli("monitor", "run", "--pack", "cis", "--input", "http://0.0.0.0:0/events");
        assertThat(remote.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(remote.err()).contains("--input:1:1: error: 0.0.0.0 is not a loopback address").contains("hint:");
        Run remoteNoSecret = cli("monitor", "run", "--pack", "cis", "--input", "http://0.0.0.0:0/events", "--http-allow-remote");
        assertThat(remoteNoSecret.err()).contains("needs a secret");
        Run size = cli("monitor", "run", "--pack", "cis", "--input", "http://127.0.0.1:0/events", "--http-max-body", "12x");
        assertThat(size.err()).contains("'12x' is not a size");
        Run idle = cli("monitor", "run", "--pack", "cis", "--input", "a.json", "--idle-stop", "1s");
        assertThat(idle.err()).contains("--idle-stop applies to Kafka, --follow and HTTP inputs only");
        Run noDir = cli("monitor", "run", "--pack", "cis", "--input", "http://127.0.0.1:0/events", "--input", "AWSLogs");
        assertThat(noDir.err()).contains("needs --follow");
        Path shared = dir.resolve("shared.token");
        Files.writeString(shared, "a-long-enough-shared-secret-0123456789\n");
        Files.setPosixFilePermissions(shared, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Run readable = cli("monitor", "run", "--pack", "cis", "--input", "http://0.0.0.0:0/events", "--http-token-file",
                shared.toString());
        assertThat(readable.err()).contains("shared.token can be read by other users").contains("not a loopback address");
        Run shortToken = cli("monitor", "run", "--pack", "cis", "--input", "http://127.0.0.1:0/events", "--http-token-file", "none.txt");
        assertThat(shortToken.err()).contains("none.txt:1:1: error: no such file");
        for (Run r : List.of(stdin, remote, remoteNoSecret, size, idle, noDir, readable, shortToken)) {
            assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
            assertThat(r.err()).doesNotContain("Exception");
        }
    }

    @Test
    void aRealProcessFollowsAndListensThenSigtermCommitsAndPrintsTheSummary() throws Exception {
        Path db = dir.resolve("g.db");
        Path token = dir.resolve("token.txt");
        Files.writeString(token, "a-long-enough-shared-secret-0123456789\n");
        Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(dir.resolve("AWSLogs"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "gatehouse.cli.Main", "monitor", "run", "--pack", "cis",
                "--input", "AWSLogs", "--follow", "--poll-interval", "100ms", "--settle", "0s",
                "--input", "http://127.0.0.1:0/events", "--http-token-file", token.toString(),
                "--store", "jdbc:sqlite:" + db, "--format", "json"));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).start();
        LinkedBlockingQueue<String> errLines = new LinkedBlockingQueue<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    errLines.add(line);
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
        });
        try {
            URI uri = null;
            Pattern listening = Pattern.compile("gatehouse: listening on (http://\\S+)");
            while (uri == null) {
                String line = errLines.poll(60, TimeUnit.SECONDS);
                assertThat(line).as("the listening line").isNotNull();
                Matcher m = listening.matcher(line);
                if (m.find()) {
                    uri = URI.create(m.group(1));
                }
            }
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).header("Authorization",
                    "Bearer a-long-enough-shared-secret-0123456789").POST(HttpRequest.BodyPublishers.ofString(
                    failure("h1", 10) + "\n" + failure("h2", 20) + "\n")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            deliver("111122223333_CloudTrail_eu-west-1_20261202T1005Z_a.json", failure("f1", 30), failure("f2", 40));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (scalar(db, "SELECT count(*) FROM monitor_files WHERE status = 'done'") < 1) {
                assertThat(System.nanoTime()).as("the file was read").isLessThan(deadline);
                Thread.sleep(50);
            }
        } finally {
            p.destroy(); // SIGTERM: the shutdown hook stops the run, which commits and prints its summary
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(dir.resolve("out.txt"));
        assertThat(out).contains("\"type\":\"summary\"").contains("\"events\":4");
        assertThat(scalar(db, "SELECT count(*) FROM monitor_checkpoints WHERE counters LIKE '%\"events\":4%'")).isEqualTo(1);
    }

    static long scalar(Path db, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }
}
