package gatehouse.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import gatehouse.pipeline.model.PipelineLoader;
import gatehouse.pipeline.model.PipelineSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner on real files, real processes and a real webhook receiver on loopback. */
class RunnerTest {
    static final String SECRET = "tok-9f8e7d6c5b4a3210";
    static final String SECURE_BUCKET = """
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              Bucket:
                Type: AWS::S3::Bucket
                Properties:
                  VersioningConfiguration: {Status: Enabled}
                  BucketEncryption:
                    ServerSideEncryptionConfiguration:
                      - ServerSideEncryptionByDefault: {SSEAlgorithm: aws:kms}
                  PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true}
                  LoggingConfiguration: {DestinationBucketName: logs}
            """;
    static final String OPEN_SSH = """
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              Web:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: web
                  SecurityGroupIngress:
                    - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
            """;

    @TempDir
    Path dir;
    final List<String> audit = new CopyOnWriteArrayList<>();
    final List<String> log = new ArrayList<>();

    Runner runner(String yaml, Map<String, String> env) throws IOException {
        Files.writeString(dir.resolve("gatehouse.yml"), yaml);
        PipelineSpec spec = PipelineLoader.load(dir.resolve("gatehouse.yml"));
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("PATH", System.getenv("PATH"));
        e.put("GATEHOUSE_ACTOR", "ci-bot");
        return new Runner(spec, new RunStore(dir.resolve(".gatehouse/runs")),
                (actor, action, subject, result, details) -> audit.add(actor + " " + action + " " + subject + " " + result),
                e, Clock.systemUTC(), log::add);
    }

    String everything(Path root) throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                b.append(Files.readString(p, StandardCharsets.ISO_8859_1));
            }
        }
        return b.toString();
    }

    @Test
    void aFailedStepStopsTheLineAndSecurityIsToldWithASignedReport() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        List<String> signatures = new CopyOnWriteArrayList<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        hook.createContext("/hook", x -> {
            byte[] body = x.getRequestBody().readAllBytes();
            bodies.add(new String(body, StandardCharsets.UTF_8));
            signatures.add(x.getRequestHeaders().getFirst("X-Gatehouse-Signature") + " " + Notifier.hmac(SECRET, body));
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        hook.start();
        try {
            Runner r = runner("""
                    version: 1
                    secrets: {HOOK: {env: HOOK_KEY}}
                    notify: {reports: security, webhook: "http://127.0.0.1:%d/hook", webhook_secret: HOOK}
                    stages:
                      - name: build
                        steps:
                          - run: echo compiling
                          - run: echo broken >&2; exit 3
                            name: test
                      - name: deploy
                        steps:
                          - run: touch deployed
                    """.formatted(hook.getAddress().getPort()), Map.of("HOOK_KEY", SECRET));
            RunRecord run = r.run(null);
            assertThat(run.status).isEqualTo(RunRecord.FAILED);
            assertThat(run.reason).isEqualTo("build/test failed: exit code 3; last lines: broken");
            assertThat(run.stage("deploy").status).isEqualTo(RunRecord.SKIPPED);
            assertThat(run.stage("deploy").reason).isEqualTo("stopped: build/test failed");
            assertThat(dir.resolve("deployed")).doesNotExist();
            assertThat(dir.resolve("security").resolve(run.id).resolve("run.json")).exists();
            assertThat(dir.resolve("security").resolve(run.id).resolve("build/test.log")).hasContent("broken");
            assertThat(bodies).hasSize(1);
            assertThat(bodies.get(0)).contains("\"status\" : \"FAILED\"").doesNotContain(SECRET);
            String[] sig = signatures.get(0).split(" ");
            assertThat(sig[0]).isEqualTo("sha256=" + sig[1]);
            assertThat(audit).contains("ci-bot run.start " + run.id + " started", "ci-bot run " + run.id + "/build/test FAILED",
                    "ci-bot run.end " + run.id + " FAILED", "ci-bot notify " + run.id + " sent");
        } finally {
            hook.stop(0);
        }
    }

    @Test
    void aStepSeesOnlyTheSecretsItDeclaresAndNoOutputShowsThem() throws IOException {
        Runner r = runner("""
                version: 1
                secrets: {TOKEN: {env: DEPLOY_TOKEN}}
                stages:
                  - name: s
                    steps:
                      - run: echo "build sees [$TOKEN] [$DEPLOY_TOKEN]"
                        name: build
                      - run: echo "deploy uses $TOKEN"; echo "$TOKEN" | rev; exit 1
                        name: deploy
                        secrets: [TOKEN]
                """, Map.of("DEPLOY_TOKEN", SECRET));
        RunRecord run = r.run(null);
        Path runDir = dir.resolve(".gatehouse/runs").resolve(run.id);
        assertThat(runDir.resolve("s/build.log")).hasContent("build sees [] []");
        assertThat(Files.readString(runDir.resolve("s/deploy.log"))).startsWith("deploy uses ***\n");
        assertThat(everything(runDir)).doesNotContain(SECRET);
        assertThat(String.join("\n", log)).doesNotContain(SECRET);
    }

    @Test
    void aTestStageMayNotReceiveAProductionSecret() throws IOException {
        Runner r = runner("""
                version: 1
                secrets: {PROD_DB: {env: PROD_DB_PASSWORD}}
                environments:
                  test: {}
                  prod: {production: true, secrets: [PROD_DB]}
                stages:
                  - name: integration
                    environment: test
                    steps:
                      - run: touch ran
                        secrets: [PROD_DB]
                """, Map.of("PROD_DB_PASSWORD", SECRET));
        RunRecord run = r.run(null);
        assertThat(run.status).isEqualTo(RunRecord.FAILED);
        assertThat(run.reason).endsWith("gatehouse.yml:10:9: stage integration (environment test) uses secret PROD_DB of production environment prod");
        assertThat(dir.resolve("ran")).doesNotExist();
        assertThat(run.stages).isEmpty();
    }

    @Test
    void gatesDecideFromPolicySecretsAndSarif() throws IOException {
        Files.createDirectories(dir.resolve("infra"));
        Files.writeString(dir.resolve("infra/sg.yaml"), OPEN_SSH);
        Runner r = runner("""
                version: 1
                stages:
                  - name: s
                    steps:
                      - gate: policy
                        paths: [infra]
                """, Map.of());
        RunRecord run = r.run(null);
        assertThat(run.status).isEqualTo(RunRecord.FAILED);
        RunRecord.StepRecord gate = run.stage("s").steps.get(0);
        assertThat(gate.decision).isEqualTo("FAIL");
        assertThat(gate.findings).isPositive();
        assertThat(dir.resolve(".gatehouse/runs").resolve(run.id).resolve("s/policy.sarif")).exists();

        Files.writeString(dir.resolve("infra/sg.yaml"), SECURE_BUCKET);
        Files.writeString(dir.resolve("infra/app.env"), "aws_secret_access_key = \"q8Hn3kT1vZ0pLx7sWm2aYc9bRf4dEg6hJu5iKo1N\"\n");
        RunRecord secrets = runner("""
                version: 1
                stages:
                  - name: s
                    steps:
                      - gate: secrets
                        paths: [infra]
                """, Map.of()).run(null);
        assertThat(secrets.status).isEqualTo(RunRecord.FAILED);
        assertThat(secrets.stage("s").steps.get(0).message).isEqualTo("FAIL — 1 secret found: rotate, then remove (1 finding)");
        assertThat(everything(dir.resolve(".gatehouse/runs").resolve(secrets.id))).doesNotContain("q8Hn3kT1vZ0pLx7sWm2aYc9bRf4dEg6hJu5iKo1N");

        Files.writeString(dir.resolve("scan.sarif"), """
                {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "semgrep", "rules": [{"id": "r1", "defaultConfiguration": {"level": "warning"}}]}},
                  "results": [{"ruleId": "r1", "message": {"text": "weak hash"},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/a.py"}, "region": {"startLine": 3}}}]},
                    {"ruleId": "r2", "level": "error", "message": {"text": "sql injection"}, "suppressions": [{"kind": "inSource", "justification": "test code"}]}]}]}
                """);
        String sarif = """
                version: 1
                stages:
                  - name: s
                    steps:
                      - gate: sarif
                        sarif: scan.sarif
                        fail_on: %s
                """;
        assertThat(runner(sarif.formatted("error"), Map.of()).run(null).status).as("warning < error; the error is suppressed")
                .isEqualTo(RunRecord.PASSED);
        RunRecord strict = runner(sarif.formatted("warning"), Map.of()).run(null);
        assertThat(strict.status).isEqualTo(RunRecord.FAILED);
        assertThat(strict.reason).isEqualTo("s/sarif failed: FAIL — 1 result at level warning or above (1 finding)");
    }

    @Test
    void aGateThatNeedsApprovalPausesUntilSomeoneOtherThanTheAuthorApproves() throws IOException {
        Files.writeString(dir.resolve("app.yaml"), SECURE_BUCKET);
        Files.writeString(dir.resolve(".gatehouse.yml"), "version: 1\ngate: {approval_at: 1, fail_at: 100}\nsecrets: {enabled: false}\n");
        Runner r = runner("""
                version: 1
                stages:
                  - name: check
                    steps:
                      - gate: policy
                        paths: [app.yaml]
                  - name: release
                    steps:
                      - approval: {count: 2, approvers: [ann, bob, cy]}
                      - run: echo released > released.txt
                        outputs: [released.txt]
                """, Map.of());
        RunRecord run = r.run(null);
        assertThat(run.status).isEqualTo(RunRecord.WAITING);
        assertThat(run.reason).startsWith("waiting for approval of stage check (NEEDS_APPROVAL — total risk 3");
        assertThat(r.resume(run.id, null).status).as("nobody approved yet").isEqualTo(RunRecord.WAITING);
        r.approve(run.id, "check", "ann", "risk accepted");
        run = r.resume(run.id, null);
        assertThat(run.status).isEqualTo(RunRecord.WAITING);
        assertThat(run.reason).contains("stage release (2 approvals needed from ann, bob, cy)");
        String id = run.id;
        assertThatThrownBy(() -> r.approve(id, "release", "mallory", null)).hasMessageContaining("may not approve");
        r.approve(id, "release", "ann", null);
        assertThatThrownBy(() -> r.approve(id, "release", "ANN", null)).hasMessageContaining("already approved");
        assertThat(r.resume(id, null).status).as("one of two").isEqualTo(RunRecord.WAITING);
        assertThatThrownBy(() -> r.approve(id, "check", "bob", null)).hasMessageContaining("not waiting for an approval of stage check");
        r.approve(id, "release", "bob", null);
        run = r.resume(id, null);
        assertThat(run.status).isEqualTo(RunRecord.PASSED);
        assertThat(dir.resolve("released.txt")).hasContent("released");
        assertThat(audit).contains("ann approval " + id + "/check approved", "bob approval " + id + "/release approved");
    }

    @Test
    void theAuthorOfTheChangeCannotApproveIt() throws Exception {
        git("init", "-q");
        git("-c", "user.email=dev@example.com", "-c", "user.name=Dev", "commit", "-q", "--allow-empty", "-m", "change");
        Runner r = runner("""
                version: 1
                stages:
                  - name: release
                    steps:
                      - approval:
                """, Map.of());
        RunRecord run = r.run(null);
        assertThat(run.author).isEqualTo("dev@example.com");
        assertThatThrownBy(() -> r.approve(run.id, "release", "dev@example.com", null))
                .hasMessage("dev@example.com is the author of this change and cannot approve it");
    }

    @Test
    void anOutputChangedWhileTheRunWaitedStopsIt() throws IOException {
        Runner r = runner("""
                version: 1
                stages:
                  - name: build
                    steps:
                      - run: echo v1 > app.bin
                        outputs: [app.bin]
                  - name: release
                    steps:
                      - approval:
                      - run: cp app.bin shipped.bin
                """, Map.of());
        RunRecord run = r.run(null);
        assertThat(run.status).isEqualTo(RunRecord.WAITING);
        r.approve(run.id, "release", "ann", null);
        Files.writeString(dir.resolve("app.bin"), "tampered\n");
        run = r.resume(run.id, null);
        assertThat(run.status).isEqualTo(RunRecord.FAILED);
        assertThat(run.reason).startsWith("output app.bin of build/run changed since it was made: sha256 ");
        assertThat(dir.resolve("shipped.bin")).doesNotExist();
    }

    @Test
    void untilStopsAfterTheNamedStageAndADeclaredOutputMustExist() throws IOException {
        Runner r = runner("""
                version: 1
                stages:
                  - name: a
                    steps: [{run: "true"}]
                  - name: b
                    steps: [{run: "true", outputs: [missing.jar]}]
                """, Map.of());
        RunRecord first = r.run("a");
        assertThat(first.status).isEqualTo(RunRecord.PASSED);
        assertThat(first.reason).isEqualTo("stopped after stage a (--until)");
        assertThat(first.stages).extracting(s -> s.name).containsExactly("a");
        RunRecord all = r.run(null);
        assertThat(all.status).isEqualTo(RunRecord.FAILED);
        assertThat(all.reason).isEqualTo("b/run failed: declared output missing.jar was not produced");
        assertThat(new RunStore(dir.resolve(".gatehouse/runs")).list()).hasSize(2);
    }

    @Test
    void aStepThatRunsTooLongIsKilled() throws IOException {
        Runner r = runner("""
                version: 1
                stages:
                  - name: a
                    steps: [{run: "sleep 30", timeout: 1}]
                """, Map.of());
        long t0 = System.nanoTime();
        RunRecord run = r.run(null);
        assertThat(run.reason).isEqualTo("a/run failed: timed out after 1 s; log: a/run.log");
        assertThat((System.nanoTime() - t0) / 1_000_000_000L).isLessThan(20);
    }

    void git(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }
}
