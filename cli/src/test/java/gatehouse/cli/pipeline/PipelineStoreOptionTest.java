package gatehouse.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.cli.Cli;
import gatehouse.store.EachStore;
import gatehouse.store.TestStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --store URL} on the pipeline commands, in-process, on a real SQLite file and a real PostgreSQL schema. */
class PipelineStoreOptionTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    Result gatehouse(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), dir);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @EachStore
    void runApproveResumeShowAndAuditAllInTheStoreNamed(TestStore t) throws IOException {
        Files.writeString(dir.resolve("gatehouse.yml"), """
                version: 1
                name: shared
                stages:
                  - name: build
                    steps:
                      - run: echo built > app.txt
                        outputs: [app.txt]
                  - name: release
                    steps:
                      - approval: {approvers: [ann]}
                """);
        String url = t.url();
        Result run = gatehouse("run", "--store", url);
        assertThat(run.code()).as(run.err()).isEqualTo(1);
        String id = run.out().split(" ")[0];
        assertThat(gatehouse("approve", id, "release", "--as", "ann", "--store", url).code()).isZero();
        Result resumed = gatehouse("run", "--resume", id, "--store", url);
        assertThat(resumed.out()).isEqualTo(id + " PASSED: every stage passed\n");
        assertThat(gatehouse("runs", "--store", url).out()).startsWith(id).contains(" PASSED ");
        assertThat(gatehouse("show", id, "--store", url).out()).contains("approved release by ann", "app.txt  sha256:");
        Result log = gatehouse("audit", "log", "--store", url);
        assertThat(log.out()).contains("run.start", id + "/release", "run.end");
        assertThat(gatehouse("audit", "verify", "--store", url).code()).isZero();
        // nothing went to the project's default store
        assertThat(dir.resolve(".gatehouse/gatehouse.db")).doesNotExist();
        assertThat(gatehouse("runs").out()).isEmpty();
        Result unknown = gatehouse("show", id);
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).startsWith("gatehouse: error: no run " + id);
    }

    @Test
    void aStoreUrlThatCannotWorkIsAnInputErrorWithAHint() throws IOException {
        Files.writeString(dir.resolve("gatehouse.yml"), "version: 1\nstages: [{name: s, steps: [{run: \"true\"}]}]\n");
        Result r = gatehouse("run", "--store", "jdbc:mysql://db/x?user=u&password=hunter2");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("gatehouse: error: unsupported store URL 'jdbc:mysql://db/x?user=u&password=***'"
                + " (expected jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB)\n  hint: check --store or $GATEHOUSE_STORE\n");
    }
}
