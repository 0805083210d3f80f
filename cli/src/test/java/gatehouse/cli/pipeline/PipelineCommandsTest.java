package gatehouse.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.cli.Cli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline commands end to end, in-process, on a real directory with real step processes. */
class PipelineCommandsTest {
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

    @Test
    void planRunApproveResumeShow() throws IOException {
        Files.writeString(dir.resolve("gatehouse.yml"), """
                version: 1
                name: demo
                stages:
                  - name: build
                    steps:
                      - run: echo built > app.txt
                        outputs: [app.txt]
                  - name: release
                    steps:
                      - approval: {approvers: [ann]}
                      - run: cp app.txt shipped.txt
                """);
        Result plan = gatehouse("plan");
        assertThat(plan.code()).isZero();
        assertThat(plan.out()).contains("stage build", "run: run `echo built > app.txt`, hashes app.txt",
                "approval: waits for 1 approval from ann (not the change's author)");

        Result run = gatehouse("run");
        assertThat(run.code()).isEqualTo(1);
        String id = run.out().split(" ")[0];
        assertThat(run.out()).contains("WAITING: waiting for approval of stage release");
        assertThat(dir.resolve("shipped.txt")).doesNotExist();

        Result refused = gatehouse("approve", id, "release", "--as", "bob");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).isEqualTo("gatehouse: error: bob may not approve stage release; approvers: ann\n");
        assertThat(gatehouse("approve", id, "release", "--as", "ann", "-m", "ok").code()).isZero();

        Result resumed = gatehouse("run", "--resume", id);
        assertThat(resumed.code()).isZero();
        assertThat(resumed.out()).isEqualTo(id + " PASSED: every stage passed\n");
        assertThat(dir.resolve("shipped.txt")).hasContent("built");

        Result show = gatehouse("show", id);
        assertThat(show.code()).isZero();
        assertThat(show.out()).contains("stage release  PASSED", "approved release by ann", "app.txt  sha256:");
        assertThat(gatehouse("runs").out()).startsWith(id).contains(" PASSED ");

        Result log = gatehouse("audit", "log");
        assertThat(log.code()).as(log.err()).isZero();
        assertThat(log.out()).contains("run.start", "approval", id + "/release", "run.pause", "run.resume", "run.end");
        Result verify = gatehouse("audit", "verify");
        assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
    }

    @Test
    void theExamplePipelinePlans() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Cli.run(new String[] {"plan", "-f", "../examples/seed-demo/gatehouse.yml"},
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), Path.of(""));
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("stage prod  [environment prod, production, protected]",
                "parameters prod-stack-configuration.json", "waits for 1 signed approval from security-lead@example.com");
    }

    @Test
    void aBrokenPipelineFileIsOneLineWithItsPlace() throws IOException {
        Files.writeString(dir.resolve("gatehouse.yml"), "version: 1\nstages:\n  - name: a\n    steps: [{run: x, secretz: [A]}]\n");
        Result r = gatehouse("run");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("gatehouse.yml:4:22: error: unknown key secretz");
        assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
        Result missing = gatehouse("plan", "-f", "nope.yml");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("error: no pipeline file");
        assertThat(gatehouse("show", "no-such-run").code()).isEqualTo(2);
    }

    @Test
    void aFailedGateExitsOneAndPlanShowsABlockedPipeline() throws IOException {
        Files.writeString(dir.resolve("sg.yaml"), """
                Resources:
                  Web:
                    Type: AWS::EC2::SecurityGroup
                    Properties:
                      GroupDescription: web
                      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}]
                """);
        Files.writeString(dir.resolve("gatehouse.yml"), """
                version: 1
                secrets: {DB: {env: PROD_DB}}
                environments: {prod: {production: true, secrets: [DB]}, test: {}}
                stages:
                  - name: check
                    steps: [{gate: policy, paths: [sg.yaml]}]
                """);
        Result run = gatehouse("run");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("FAILED: check/policy failed: FAIL");
        Files.writeString(dir.resolve("gatehouse.yml"), """
                version: 1
                secrets: {DB: {env: PROD_DB}}
                environments: {prod: {production: true, secrets: [DB]}, test: {}}
                stages:
                  - name: it
                    environment: test
                    steps: [{run: "true", secrets: [DB]}]
                """);
        Result plan = gatehouse("plan");
        assertThat(plan.code()).isEqualTo(1);
        assertThat(plan.out()).contains("BLOCKED: ").contains("stage it (environment test) uses secret DB of production environment prod");
    }
}
