package gatehouse.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gatehouse.audit.AuditEntry;
import gatehouse.audit.AuditLog;
import gatehouse.pipeline.model.PipelineLoader;
import gatehouse.pipeline.run.RunRecord.ApprovalRecord;
import gatehouse.pipeline.run.RunRecord.StageRecord;
import gatehouse.pipeline.run.RunRecord.StepRecord;
import gatehouse.store.EachStore;
import gatehouse.store.Store;
import gatehouse.store.StoreException;
import gatehouse.store.TestStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs in the store, on a real SQLite file and a real PostgreSQL schema ({@link EachStore}). */
class RunStoreTest {
    @TempDir
    Path tmp;

    static RunRecord sample(String id, String started) {
        RunRecord r = new RunRecord();
        r.id = id;
        r.pipeline = "shop";
        r.file = "/repo/gatehouse.yml";
        r.actor = "ci-bot";
        r.author = "dev@example.com";
        r.started = started;
        r.status = RunRecord.WAITING;
        r.reason = "waiting for approval of stage release";
        StageRecord build = new StageRecord("build", null);
        build.status = RunRecord.PASSED;
        StepRecord gate = new StepRecord();
        gate.name = "policy";
        gate.kind = "gate";
        gate.status = RunRecord.PASSED;
        gate.message = "PASS — 2 findings, risk 3";
        gate.started = started;
        gate.millis = 1234;
        gate.decision = "PASS";
        gate.findings = 2;
        gate.risk = 3;
        gate.report = "build/policy.json";
        StepRecord compile = new StepRecord();
        compile.name = "compile";
        compile.kind = "run";
        compile.status = RunRecord.PASSED;
        compile.millis = 99;
        // insertion order is kept, not sorted
        compile.outputs.put("target/z.jar", "b".repeat(64));
        compile.outputs.put("target/a.jar", "a".repeat(64));
        build.steps.addAll(List.of(gate, compile));
        StageRecord release = new StageRecord("release", "prod");
        release.status = RunRecord.WAITING;
        release.reason = "approve: 1 approval needed";
        StepRecord approve = new StepRecord();
        approve.name = "approve";
        approve.kind = "approval";
        approve.status = RunRecord.WAITING;
        release.steps.add(approve);
        r.stages.addAll(List.of(build, release));
        ApprovalRecord a = new ApprovalRecord("release", "ann", started, "ship it");
        a.keyid = "k1";
        a.signature = "c2ln";
        r.approvals.add(a);
        r.approvals.add(new ApprovalRecord("release", "bob", started, null));
        return r;
    }

    RunStore runs(TestStore t) {
        return new RunStore(t.dir().resolve(".gatehouse/runs"), t.url());
    }

    @EachStore
    void aSavedRunReadsBackFieldForField(TestStore t) {
        RunStore runs = runs(t);
        RunRecord r = sample("20260501T100000Z-ab12", "2026-05-01T10:00:00Z");
        runs.save(r);
        assertThat(RunStore.json(runs.load(r.id))).isEqualTo(RunStore.json(r));
        // another store object (as another process would) reads the same
        assertThat(RunStore.json(runs(t).load(r.id))).isEqualTo(RunStore.json(r));
    }

    @EachStore
    void saveReplacesTheWholeRecord(TestStore t) {
        RunStore runs = runs(t);
        RunRecord r = sample("r1", "2026-05-01T10:00:00Z");
        runs.save(r);
        r.stages.remove(1);
        r.stages.get(0).steps.get(1).outputs.remove("target/z.jar");
        r.approvals.clear();
        r.status = RunRecord.PASSED;
        r.finished = "2026-05-01T10:05:00Z";
        runs.save(r);
        RunRecord back = runs.load("r1");
        assertThat(RunStore.json(back)).isEqualTo(RunStore.json(r));
        assertThat(back.stages).hasSize(1);
        assertThat(back.approvals).isEmpty();
    }

    @EachStore
    void aSaveThatFailsHalfwayLeavesThePreviousStateWhole(TestStore t) throws Exception {
        RunStore runs = runs(t);
        RunRecord r = sample("r1", "2026-05-01T10:00:00Z");
        runs.save(r);
        String before = RunStore.json(runs.load("r1"));
        RunRecord broken = sample("r1", "2026-05-01T10:00:00Z");
        broken.status = RunRecord.FAILED;
        broken.stages.get(1).steps.get(0).name = null; // run_steps.name is NOT NULL: the insert after the run row fails
        assertThatThrownBy(() -> runs.save(broken)).isInstanceOf(StoreException.class).hasMessageContaining("cannot save run r1");
        assertThat(RunStore.json(runs.load("r1"))).isEqualTo(before);
        // and the failed save left no rows behind
        try (Connection c = Store.open(t.url(), false).connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM run_steps WHERE run_id = 'r1'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(3);
        }
    }

    @EachStore
    void listsNewestFirstAndByPipeline(TestStore t) {
        RunStore runs = runs(t);
        runs.save(sample("b", "2026-05-01T10:00:00.500Z"));
        runs.save(sample("a", "2026-05-01T10:00:00Z")); // same second, earlier: a text sort of the instants would put it first
        RunRecord other = sample("c", "2026-05-02T09:00:00Z");
        other.pipeline = "billing";
        runs.save(other);
        assertThat(runs.list()).extracting(r -> r.id).containsExactly("c", "b", "a");
        assertThat(runs.list("shop")).extracting(r -> r.id).containsExactly("b", "a");
        assertThat(runs.list("shop").get(0).stages.get(0).steps).hasSize(2);
        assertThat(runs.list("nobody")).isEmpty();
        assertThat(runs.load("zzz")).isNull();
        assertThat(runs.load("../a")).isNull();
    }

    @Test
    void readingAnEmptyProjectLeavesNoStoreBehind() {
        Path db = tmp.resolve(".gatehouse/gatehouse.db");
        RunStore runs = new RunStore(tmp.resolve(".gatehouse/runs"));
        assertThat(runs.list()).isEmpty();
        assertThat(runs.load("x")).isNull();
        assertThat(db).doesNotExist();
        runs.save(sample("x", "2026-05-01T10:00:00Z"));
        assertThat(db).exists();
        assertThat(runs.where()).isEqualTo("jdbc:sqlite:" + db.toAbsolutePath());
    }

    @EachStore
    void runsSavedAsJsonFilesByEarlierVersionsAreImportedOnce(TestStore t) throws Exception {
        Path dir = t.dir().resolve(".gatehouse/runs");
        RunRecord old = sample("20250101T000000Z-0001", "2025-01-01T00:00:00Z");
        Path file = dir.resolve(old.id).resolve("run.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, RunStore.json(old));
        // a run the store already holds keeps the store's version
        RunRecord both = sample("20250102T000000Z-0002", "2025-01-02T00:00:00Z");
        Path bothFile = dir.resolve(both.id).resolve("run.json");
        Files.createDirectories(bothFile.getParent());
        Files.writeString(bothFile, RunStore.json(both));
        both.reason = "the store's";
        new RunStore(t.dir().resolve("elsewhere"), t.url()).save(both);

        RunStore runs = runs(t);
        assertThat(runs.list()).extracting(r -> r.id).containsExactly(both.id, old.id);
        assertThat(RunStore.json(runs.load(old.id))).isEqualTo(RunStore.json(old));
        assertThat(runs.load(both.id).reason).isEqualTo("the store's");
        assertThat(file).doesNotExist();
        assertThat(file.resolveSibling("run.imported.json")).exists();
        assertThat(runs(t).list()).hasSize(2); // nothing imported twice
    }

    @EachStore
    void aPausedRunIsApprovedAndResumedFromTheStore(TestStore t) throws Exception {
        Path project = Files.createDirectories(t.dir().resolve("project"));
        Files.writeString(project.resolve("gatehouse.yml"), """
                version: 1
                stages:
                  - name: build
                    steps:
                      - run: echo built > app.txt
                        outputs: [app.txt]
                  - name: release
                    steps:
                      - approval: {count: 1, approvers: [ann]}
                      - run: echo released > released.txt
                """);
        Map<String, String> env = new HashMap<>(Map.of("PATH", System.getenv("PATH"), "GATEHOUSE_ACTOR", "ci-bot"));
        Store store = Store.open(t.url(), true);
        try (AuditLog audit = AuditLog.open(store)) {
            // every process builds its own runner and store objects: nothing is carried over in memory
            java.util.function.Supplier<Runner> runner = () -> new Runner(PipelineLoader.load(project.resolve("gatehouse.yml")),
                    new RunStore(project.resolve(".gatehouse/runs"), t.url()), audit::append, env, Clock.systemUTC(), line -> { });
            RunRecord run = runner.get().run(null);
            assertThat(run.status).as(run.reason).isEqualTo(RunRecord.WAITING);
            runner.get().approve(run.id, "release", "ann", "ok");
            RunRecord done = runner.get().resume(run.id, null);
            assertThat(done.status).as(done.reason).isEqualTo(RunRecord.PASSED);
            assertThat(project.resolve("released.txt")).exists();

            RunRecord stored = new RunStore(project.resolve(".gatehouse/runs"), t.url()).load(run.id);
            assertThat(stored.status).isEqualTo(RunRecord.PASSED);
            assertThat(stored.approvals).extracting(a -> a.approver).containsExactly("ann");
            assertThat(stored.stage("build").steps.get(0).outputs).containsOnlyKeys("app.txt");
            assertThat(audit.entries(AuditLog.Query.all())).extracting(AuditEntry::action)
                    .containsSubsequence("run.start", "run", "run.pause", "approval", "run.resume", "run.end");
            assertThat(audit.verify(List.of()).problems()).isEmpty();
        }
        assertThatThrownBy(() -> runner(project, t, env).resume("nope", null)).hasMessage("no run nope in " + Store.redact(t.url()));
    }

    static Runner runner(Path project, TestStore t, Map<String, String> env) {
        return new Runner(PipelineLoader.load(project.resolve("gatehouse.yml")), new RunStore(project.resolve(".gatehouse/runs"),
                t.url()), (a, b, c, d, e) -> { }, env, Clock.systemUTC(), line -> { });
    }
}
