package gatehouse.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.audit.AuditEntry;
import gatehouse.audit.AuditLog;
import gatehouse.pipeline.run.RunRecord;
import gatehouse.pipeline.run.RunStore;
import gatehouse.store.Dialect;
import gatehouse.store.EachStore;
import gatehouse.store.Store;
import gatehouse.store.TestStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue #5's crash test: a real {@code gatehouse run} process is killed with SIGKILL at random points, again and
 * again on one store, and nothing it reported done may be missing from the audit log.
 *
 * <p>"Reported done" is every progress line the process wrote to stderr before it died: {@code run ID of ...}
 * (the run started), {@code   STEP  STATUS} (a step finished) and {@code run ID STATUS: ...} (the run ended). Each
 * must have its audit entry; the run record in the store must hold every step the audit log names (the record is
 * saved before the entry is written); the chain must verify ({@code gatehouse audit verify}, a real process, exit
 * 0); and a last run on the same store, not killed, must complete and extend the same chain. Kills land at a
 * random time after launch (JVM start-up, the store's first opening and migration), at a random time after the
 * run started, or within a few milliseconds of the k-th step line, so they hit between a step's save, its audit
 * append and its report.
 */
class KillDashNineTest {
    static final int STAGES = 3;
    static final int STEPS = 5;
    static final Pattern START = Pattern.compile("run (\\S+) of crash by ci-bot");
    static final Pattern STAGE = Pattern.compile("stage (\\S+)");
    static final Pattern STEP = Pattern.compile(" {2}(\\S+)\\s+(PASSED|FAILED|WAITING)(\\s.*)?");
    static final Pattern END = Pattern.compile("run (\\S+) (PASSED|FAILED): .*");

    /** What one killed process said was done. */
    record Reported(String runId, List<String> subjects, boolean ended) {}

    static String pipeline() {
        StringBuilder y = new StringBuilder("version: 1\nname: crash\nstages:\n");
        for (int s = 1; s <= STAGES; s++) {
            y.append("  - name: st").append(s).append("\n    steps:\n");
            for (int i = 1; i <= STEPS; i++) {
                // a mix of instant steps and short ones, so kills land inside steps as well as between them
                y.append("      - run: \"").append(i % 3 == 0 ? "sleep 0.05" : "true").append("\"\n")
                        .append("        name: s").append(s).append("x").append(i).append('\n');
            }
        }
        return y.toString();
    }

    @EachStore
    void killedRunsNeverLoseAnAuditEntryForWhatTheyReportedDone(TestStore t) throws Exception {
        Path project = Files.createDirectories(t.dir().resolve("project"));
        Files.writeString(project.resolve("gatehouse.yml"), pipeline());
        // SQLite: the default store of the project; PostgreSQL: the test's schema through GATEHOUSE_STORE
        String storeUrl = t.dialect() == Dialect.SQLITE
                ? "jdbc:sqlite:" + project.toAbsolutePath().resolve(Store.DEFAULT_PATH) : t.url();
        Map<String, String> env = t.dialect() == Dialect.SQLITE ? Map.of() : Map.of("GATEHOUSE_STORE", t.url());

        long seed = System.nanoTime();
        Random random = new Random(seed);
        int totalSteps = STAGES * STEPS;
        List<Reported> killed = new ArrayList<>();
        int iterations = 6;
        for (int i = 0; i < iterations; i++) {
            Kill kill = switch (i % 3) {
                // during JVM start-up and the store's first opening (its migration, on the first kill)
                case 0 -> new Kill(Kill.Mode.FROM_LAUNCH, 0, 100 + random.nextInt(1500));
                // the instant the k-th step is reported, or a few ms later: between its save, append and report
                case 1 -> new Kill(Kill.Mode.AFTER_STEP, 1 + random.nextInt(totalSteps - 1), random.nextInt(3));
                // a random time into the run, wherever it is then
                default -> new Kill(Kill.Mode.AFTER_RUN_START, 0, random.nextInt(800));
            };
            Reported r = runAndKill(project, env, kill, "seed " + seed + ", kill " + i + ": " + kill);
            System.out.printf("%s kill %d (%s): run %s, %d steps reported done%s%n", t.dialect(), i, kill, r.runId(),
                    r.subjects().size(), r.ended() ? ", ended before the kill" : "");
            killed.add(r);
        }

        Store store = Store.open(storeUrl, false);
        try (AuditLog log = AuditLog.open(store)) {
            List<AuditEntry> entries = log.entries(AuditLog.Query.all());
            RunStore runs = new RunStore(project.resolve(".gatehouse/runs"), storeUrl);
            for (Reported r : killed) {
                if (r.runId() == null) {
                    continue; // killed before it reported the run started
                }
                assertThat(entries).as("seed %d: run %s reported started", seed, r.runId())
                        .anyMatch(e -> e.action().equals("run.start") && e.subject().equals(r.runId()));
                for (String subject : r.subjects()) {
                    assertThat(entries).as("seed %d: %s was reported done", seed, subject)
                            .anyMatch(e -> e.subject().equals(subject) && e.action().equals("run") && e.result().equals("PASSED"));
                }
                if (r.ended()) {
                    assertThat(entries).anyMatch(e -> e.action().equals("run.end") && e.subject().equals(r.runId()));
                }
                // the record was saved before each entry: it holds every step the log has for this run
                RunRecord record = runs.load(r.runId());
                assertThat(record).as("seed %d: run %s has a record", seed, r.runId()).isNotNull();
                for (AuditEntry e : entries) {
                    if (e.action().equals("run") && e.subject().startsWith(r.runId() + "/")) {
                        String[] parts = e.subject().split("/");
                        assertThat(record.stage(parts[1]).steps).as("seed %d: %s in the run record", seed, e.subject())
                                .anyMatch(st -> st.name.equals(parts[2]) && st.status.equals(e.result()));
                    }
                }
            }
            assertThat(log.verify(List.of()).problems()).as("seed %d", seed).isEmpty();
        }
        assertThat(killed.stream().filter(r -> !r.subjects().isEmpty())).as("seed %d: some kills landed mid-run", seed).isNotEmpty();

        // the store is still good for work: a run to the end, then verify as a real process
        Reported full = runAndKill(project, env, null, "seed " + seed + ": the last run");
        assertThat(full.ended()).isTrue();
        assertThat(full.subjects()).hasSize(totalSteps);
        Process verify = gatehouse(project, env, "audit", "verify").redirectErrorStream(true).start();
        String out = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor()).as(out).isZero();
    }

    static ProcessBuilder gatehouse(Path project, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "gatehouse.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(project.toFile());
        pb.environment().remove("GATEHOUSE_STORE");
        pb.environment().remove("GATEHOUSE_AUDIT_KEY");
        pb.environment().put("GATEHOUSE_ACTOR", "ci-bot");
        pb.environment().putAll(env);
        return pb;
    }

    /**
     * When to kill: {@code delayMs} after launch, after the {@code step}-th step line, or after the line that says
     * the run started.
     */
    record Kill(Mode mode, int step, long delayMs) {
        enum Mode { FROM_LAUNCH, AFTER_STEP, AFTER_RUN_START }

        @Override
        public String toString() {
            return switch (mode) {
                case FROM_LAUNCH -> delayMs + " ms after launch";
                case AFTER_STEP -> delayMs + " ms after step line " + step;
                case AFTER_RUN_START -> delayMs + " ms after the run started";
            };
        }
    }

    /**
     * Starts {@code gatehouse run}, reads its progress lines as they come, and kills it with SIGKILL as {@code kill}
     * says (null: lets it finish); returns what it reported done before it died. The kill is sent from the thread
     * that reads the lines, the moment the trigger line arrives, so it lands within a millisecond or so of the
     * report: a runner that printed a step before recording it would be caught.
     */
    static Reported runAndKill(Path project, Map<String, String> env, Kill kill, String what)
            throws IOException, InterruptedException {
        Process p = gatehouse(project, env, "run").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            int steps = 0;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    seen.add(line);
                    if (kill == null) {
                        continue;
                    }
                    if (kill.mode() == Kill.Mode.AFTER_STEP && STEP.matcher(line).matches() && ++steps == kill.step()) {
                        sigkill(p, kill.delayMs());
                    } else if (kill.mode() == Kill.Mode.AFTER_RUN_START && START.matcher(line).matches()) {
                        Thread.startVirtualThread(() -> sigkill(p, kill.delayMs()));
                    }
                }
            } catch (IOException e) {
                // the pipe breaks when the process dies: what was read is what it reported
            }
        });
        reader.start();
        if (kill != null && kill.mode() == Kill.Mode.FROM_LAUNCH) {
            sigkill(p, kill.delayMs());
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(what + ": still running after 120 s; lines: " + seen);
        }
        reader.join(10_000);
        int exit = p.exitValue();
        List<String> lines = List.copyOf(seen);
        if (kill == null) {
            assertThat(exit).as(what + ": " + lines).isZero();
        } else {
            // 137 = 128 + SIGKILL; 0 when the run finished before the kill point came
            assertThat(exit).as(what + ": " + lines).isIn(0, 137);
        }
        return parse(lines);
    }

    /** SIGKILL after {@code delayMs} ({@link Process#destroyForcibly} sends SIGKILL on Linux and macOS). */
    static void sigkill(Process p, long delayMs) {
        try {
            if (delayMs > 0) {
                Thread.sleep(delayMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        p.destroyForcibly();
    }

    static Reported parse(List<String> lines) {
        String runId = null;
        String stage = null;
        boolean ended = false;
        List<String> subjects = new ArrayList<>();
        for (String line : lines) {
            Matcher m;
            if ((m = START.matcher(line)).matches()) {
                runId = m.group(1);
            } else if ((m = END.matcher(line)).matches()) {
                ended = true;
            } else if ((m = STAGE.matcher(line)).matches()) {
                stage = m.group(1);
            } else if ((m = STEP.matcher(line)).matches() && runId != null && stage != null) {
                subjects.add(runId + "/" + stage + "/" + m.group(1));
            }
        }
        return new Reported(runId, subjects, ended);
    }
}
