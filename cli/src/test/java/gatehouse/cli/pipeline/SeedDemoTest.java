package gatehouse.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import gatehouse.pipeline.attest.KeyType;
import gatehouse.pipeline.attest.Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed demo (examples/seed-demo) end to end, as it ships: Gatehouse as a real process per command, a real git
 * repository in a temporary directory, the demo's own scripts deploying jwebserver on loopback, and a real webhook
 * receiver (the JDK's HTTP server) standing in for security.
 *
 * <p>Covered elsewhere, not repeated here: a changed artifact is not deployed within a run
 * ({@code DeployStepTest.anArtifactChangedAfterTheBuildIsNotDeployed}); production refuses another identity's
 * signature in-process ({@code ReleaseFlowTest.productionRefusesWhatAnotherIdentitySigned}); forged, edited and
 * wrong-key approvals ({@code SignedApprovalTest}); tampered payloads and swapped signatures
 * ({@code AttestVerifyTest}); a paused run stops its local deployments ({@code DeployStepTest}); probes and live
 * rules against real listeners ({@code ValidateStepTest}); the webhook's retries ({@code RunnerTest}).
 */
class SeedDemoTest {
    static final Path EXAMPLE = Path.of("..", "examples", "seed-demo").toAbsolutePath().normalize();
    static final String APPROVER = "security-lead@example.com";
    static final String DEMO_KEY = "keys/DEMO-ONLY-security-lead.key";
    static final String HOOK_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    @TempDir
    Path tmp;
    Path repo;
    int testPort;
    int prodPort;
    HttpServer receiver;
    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    final Map<String, String> env = new LinkedHashMap<>();

    record Delivery(String signature, byte[] body) {}

    record Result(int code, String out, String err) {}

    @BeforeEach
    void setUp() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/", exchange -> {
            deliveries.add(new Delivery(exchange.getRequestHeaders().getFirst("X-Gatehouse-Signature"),
                    exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        testPort = freePort();
        prodPort = freePort();
        repo = tmp.resolve("repo");
        copy(EXAMPLE, repo);
        Path yml = repo.resolve("gatehouse.yml");
        Files.writeString(yml, Files.readString(yml).replace("18481", String.valueOf(testPort))
                .replace("18482", String.valueOf(prodPort)).replace("18489", String.valueOf(receiver.getAddress().getPort())));
        git("init", "-q");
        commit("dev@example.com", "web tier: security group (security), network (ops), site (dev)");
        Files.createDirectories(repo.resolve(".gatehouse"));
        KeyPair pipeline = Keys.generate(KeyType.ED25519);
        Files.writeString(repo.resolve(".gatehouse/pipeline.key"), Keys.privatePem(pipeline.getPrivate()));
        Files.writeString(repo.resolve(".gatehouse/pipeline.pub"), Keys.publicPem(pipeline.getPublic()));
        env.put("GATEHOUSE_SIGNING_KEY_FILE", repo.resolve(".gatehouse/pipeline.key").toString());
        env.put("GATEHOUSE_ACTOR", "pipeline");
        env.put("SEED_DEMO_WEBHOOK_KEY", HOOK_KEY);
    }

    @AfterEach
    void tearDown() {
        receiver.stop(0);
    }

    @Test
    void theBrokenChangeStopsAtTheGateTellsSecurityAndNeverTouchesProd() throws Exception {
        Files.copy(repo.resolve("broken/site.yaml"), repo.resolve("fragments/dev/site.yaml"), StandardCopyOption.REPLACE_EXISTING);
        commit("dev@example.com", "site: open SSH for debugging (temporary)");

        Result run = gatehouse("run");
        assertThat(run.code()).as(run.err()).isEqualTo(1);
        String id = runId(run);
        assertThat(run.out()).contains(id + " FAILED: source/fragments failed: FAIL — a critical finding (GH-SG-003) fails the gate");

        assertThat(deliveries).hasSize(1);
        Delivery d = deliveries.get(0);
        assertThat(d.signature()).isEqualTo("sha256=" + hmac(HOOK_KEY, d.body()));
        String report = new String(d.body(), StandardCharsets.UTF_8);
        assertThat(report).contains(id, "FAILED", "GH-SG-003").doesNotContain(HOOK_KEY);
        try (Stream<Path> files = Files.list(repo.resolve(".gatehouse/security-inbox").resolve(id).resolve("source"))) {
            assertThat(files.map(f -> f.getFileName().toString())).contains("fragments.json", "fragments.sarif");
        }
        assertThat(Files.readString(repo.resolve(".gatehouse/security-inbox").resolve(id).resolve("source/fragments.sarif")))
                .contains("GH-SG-003", "fragments/dev/site.yaml");

        assertThat(query("show", id).out()).contains("stage build  SKIPPED", "stage test  SKIPPED", "stage prod  SKIPPED");
        Result audit = query("audit", "log");
        assertThat(audit.out()).contains("gate  " + id + "/source/fragments  FAILED", "notify  " + id + "  sent")
                .doesNotContain("merge  " + id).doesNotContain("deploy  " + id);
        assertThat(repo.resolve("build")).doesNotExist();
        assertThat(listening(prodPort)).isFalse();
        assertThat(listening(testPort)).isFalse();
    }

    @Test
    void aLiveStateViolationTearsTheTestDeploymentDown() throws Exception {
        env.put("SEED_DEMO_DRIFT", "ssh"); // SSH opened to the world outside the pipeline, after the static gates passed

        Result run = gatehouse("run");
        assertThat(run.code()).as(run.err()).isEqualTo(1);
        String id = runId(run);
        assertThat(run.out()).contains(id + " FAILED: test/validate failed: live state breaks "
                + "security-groups.guard/LIVE_NO_SSH_FROM_THE_INTERNET: SSH (tcp 22) is open to the internet",
                "undeployed process ");
        assertThat(run.err()).contains("template     PASSED", "deploy       PASSED");
        assertThat(listening(testPort)).as("the test deployment is gone").isFalse();
        assertThat(listening(prodPort)).isFalse();
        assertThat(query("show", id).out()).contains("stage prod  SKIPPED");
        assertThat(deliveries).hasSize(1);
        assertThat(new String(deliveries.get(0).body(), StandardCharsets.UTF_8)).contains("LIVE_NO_SSH_FROM_THE_INTERNET");
        assertThat(query("audit", "log").out()).contains("deploy  " + id + "/test/deploy  PASSED",
                "validate  " + id + "/test/validate  FAILED").doesNotContain(id + "/prod/deploy");
    }

    @Test
    void anArtifactSwappedWhileTheRunWaitedForApprovalIsNeverDeployed() throws Exception {
        String id = runUntilTheApproval();
        Files.write(repo.resolve("build/site.tar"), "<script>steal()</script>".getBytes(StandardCharsets.UTF_8),
                java.nio.file.StandardOpenOption.APPEND);
        assertThat(approve(id, DEMO_KEY).code()).isZero();

        Result resumed = gatehouse("run", "--resume", id);
        assertThat(resumed.code()).as(resumed.err()).isEqualTo(1);
        assertThat(resumed.out()).contains(id + " FAILED: output build/site.tar of build/run changed since it was made");
        assertThat(listening(prodPort)).isFalse();
        assertThat(query("audit", "log").out()).contains("undeploy  " + id + "/test  stopped")
                .doesNotContain(id + "/prod/deploy").doesNotContain(id + "/prod/verify");
    }

    @Test
    void aPersonsKeyCannotDeployToProd() throws Exception {
        // the release signed with a person's key (the approver's own), not the pipeline's identity
        env.put("GATEHOUSE_SIGNING_KEY_FILE", repo.resolve(DEMO_KEY).toString());
        String id = runUntilTheApproval();
        assertThat(approve(id, DEMO_KEY).code()).isZero();

        Result resumed = gatehouse("run", "--resume", id);
        assertThat(resumed.code()).as(resumed.err()).isEqualTo(1);
        assertThat(resumed.out()).contains(id + " FAILED: prod/verify failed: signature 1 is by key ", "which is not trusted");
        assertThat(listening(prodPort)).isFalse();
        assertThat(query("audit", "log").out()).contains("verify  " + id + "/prod/verify  FAILED")
                .doesNotContain(id + "/prod/deploy");
    }

    @Test
    void anUnsignedReleaseNeverLeavesTheBuild() throws Exception {
        env.remove("GATEHOUSE_SIGNING_KEY_FILE");
        Result run = gatehouse("run");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out()).contains("FAILED: build/attest failed: no signing key for the pipeline's identity");
        assertThat(run.err()).doesNotContain("deploy ");
        assertThat(repo.resolve("build/release.intoto.jsonl")).doesNotExist();
    }

    @Test
    void theAuthorOfAChangeCannotApproveItsReleaseEvenWithTheirOwnKey() throws Exception {
        Files.writeString(repo.resolve("site/style.css"), "body { color: #111; }\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);
        commit(APPROVER, "site: darker text");
        String id = runUntilTheApproval();

        Result self = approve(id, DEMO_KEY);
        assertThat(self.code()).isEqualTo(2);
        assertThat(self.err()).endsWith("gatehouse: error: " + APPROVER + " is the author of this change and cannot approve it\n");
        Result resumed = gatehouse("run", "--resume", id);
        assertThat(resumed.code()).isEqualTo(1);
        assertThat(resumed.out()).contains(id + " WAITING");
        assertThat(query("audit", "log").out()).doesNotContain(APPROVER + "  approval");
        assertThat(listening(prodPort)).isFalse();
    }

    /** README's first command: the whole demo from its script, which must exit 0 only when both halves behaved. */
    @Test
    void theDemoScriptRunsTheCleanChangeToProdAndStopsTheBrokenOne() throws Exception {
        Path wrapper = tmp.resolve("gatehouse");
        Files.writeString(wrapper, "#!/bin/sh\nexec '" + java() + "' " + String.join(" ", jvmOptions()) + " -cp '"
                + System.getProperty("java.class.path") + "' gatehouse.cli.Main \"$@\"\n");
        wrapper.toFile().setExecutable(true);
        Path work = tmp.resolve("work");
        ProcessBuilder pb = new ProcessBuilder(EXAMPLE.resolve("run-demo.sh").toString(), work.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("demo.log").toFile());
        clean(pb.environment());
        pb.environment().put("GATEHOUSE", wrapper.toString());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(tmp.resolve("demo.log"));
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(log).contains("prod [prod]", "verify       PASSED  signature and 3 digests verified",
                "PASSED: every stage passed", "exit 0 (reached prod)",
                "exit 1 (stopped at the gate, as it must; prod deploys in the audit log: 0)",
                "security inbox: signed report (HMAC-SHA256 valid)",
                "local deployments still running: none", "intact: ");
        assertThat(work.resolve("security-inbox/report-1.json")).exists();
        assertThat(work.resolve("repo/build/release.intoto.jsonl")).as("the demo runs in its own copy of the example").exists();
    }

    // ---- helpers ----

    /** Runs the clean demo up to production's approval: everything before it passed, the test deployment stopped. */
    String runUntilTheApproval() throws Exception {
        Result run = gatehouse("run");
        assertThat(run.code()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.out()).contains("WAITING: waiting for approval of stage prod");
        assertThat(run.err()).contains("validate     PASSED  live state passes its rules; 3 probes as expected");
        assertThat(listening(testPort)).as("a paused run leaves nothing running").isFalse();
        return runId(run);
    }

    Result approve(String id, String key) throws Exception {
        return gatehouse("approve", id, "prod", "--as", APPROVER, "--key", key, "-m", "reviewed");
    }

    /** The JVM options of every Gatehouse process: C1 alone, as bin/gatehouse runs batch commands. */
    static List<String> jvmOptions() {
        return List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED");
    }

    /** A read-only query of the store (show, audit log), in-process: the runs themselves are separate processes. */
    Result query(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = gatehouse.cli.Cli.run(args, new java.io.ByteArrayInputStream(new byte[0]),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8), new java.io.PrintStream(err, true, StandardCharsets.UTF_8), repo);
        Result r = new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        assertThat(code).as(r.err()).isLessThan(2); // show exits 1 for a failed run
        return r;
    }

    Result gatehouse(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(jvmOptions());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "gatehouse.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        clean(pb.environment());
        pb.environment().putAll(env);
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Result(p.exitValue(), out, Files.readString(err));
    }

    /** No Gatehouse setting of the machine running the tests leaks into the demo. */
    static void clean(Map<String, String> e) {
        e.keySet().removeIf(k -> k.startsWith("GATEHOUSE_") || k.startsWith("SEED_DEMO_"));
    }

    static String runId(Result r) {
        return r.out().split(" ", 2)[0].strip();
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    void git(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("git", "-c", "user.name=Demo", "-c", "user.email=dev@example.com",
                "-c", "commit.gpgsign=false"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    void commit(String author, String message) throws Exception {
        git("add", "-A");
        git("commit", "-q", "--author", "Someone <" + author + ">", "-m", message);
    }

    static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                String rel = from.relativize(f).toString().replace('\\', '/');
                if (rel.equals("build") || rel.startsWith("build/") || rel.equals(".gatehouse") || rel.startsWith(".gatehouse/")) {
                    continue;
                }
                Path t = to.resolve(rel);
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    try {
                        Files.copy(f, t, StandardCopyOption.COPY_ATTRIBUTES);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
    }

    static String hmac(String key, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}
