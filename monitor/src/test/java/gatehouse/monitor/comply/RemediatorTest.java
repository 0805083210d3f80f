package gatehouse.monitor.comply;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import gatehouse.audit.AuditEntry;
import gatehouse.audit.AuditLog;
import gatehouse.guard.eval.Evaluator;
import gatehouse.guard.parse.Parser;
import gatehouse.store.Store;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remediation semantics (automatic / manual, attempts, the retry window, re-evaluation of what a real process
 * or a real HTTP receiver changed) and its audit trail, in a real SQLite store.
 */
class RemediatorTest {
    @TempDir
    Path dir;
    AuditLog audit;
    HttpServer server;
    final List<Duration> slept = new ArrayList<>();

    static final String RULE = """
            let volumes = Resources.*[ Type == 'AWS::EC2::Volume' ]
            rule VOLUME_ENCRYPTED when %volumes !empty {
                %volumes.Properties.Encrypted == true
                << the volume is not encrypted >>
            }
            """;

    @BeforeEach
    void open() {
        audit = AuditLog.open(Store.open("jdbc:sqlite:" + dir.resolve("audit.db"), true));
    }

    @AfterEach
    void close() {
        audit.close();
        if (server != null) {
            server.stop(0);
        }
    }

    static String volume(String id, boolean encrypted) {
        return "{\"resourceType\": \"AWS::EC2::Volume\", \"resourceId\": \"" + id + "\", \"awsRegion\": \"eu-west-1\", "
                + "\"accountId\": \"111122223333\", \"configuration\": {\"encrypted\": " + encrypted + "}}";
    }

    ComplianceRule rule() {
        return new ComplianceRule("encrypted-volumes", "", "VOLUME_ENCRYPTED", Parser.parse("r.guard", RULE), List.of("AWS::EC2::Volume"), "");
    }

    record Outcome(ComplianceReport report, List<AuditEntry> audit) {}

    /** Evaluates {@code items.json} in {@code dir}, then remediates with the given file; the refresher re-reads the file. */
    Outcome remediate(String remediationYaml, Remediator.Mode mode) throws Exception {
        Compliance c = new Compliance(new Evaluator(), List.of(rule()), Map.of());
        Path items = dir.resolve("items.json");
        List<ConfigResource> res = ConfigInput.read("items.json", Files.readString(items));
        ComplianceReport before = c.evaluate(res, List.of("items.json"));
        RemediationConfig cfg = RemediationConfig.parse("rem.yml", remediationYaml, dir, dir, Set.of("encrypted-volumes"));
        Remediator.Built built = Remediator.build(cfg, k -> Map.of("HOOK_KEY", "hmac-key-123").get(k), l -> { });
        Remediator r = new Remediator(c, cfg, built.actions(), audit, "tester", Remediator.defaultRefresher(name -> {
            try {
                return Files.readString(dir.resolve(name));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, built.refresh()), slept::add, Clock.systemUTC(), name -> dir.resolve(name).toString());
        return new Outcome(r.remediate(before, res, mode), audit.entries(AuditLog.Query.all()));
    }

    @Test
    void failedAttemptsAreRetriedAcrossTheWindowUntilTheReEvaluationIsCompliant() throws Exception {
        Files.writeString(dir.resolve("items.json"), "[" + volume("vol-1", false) + "]");
        // the first two attempts fail (exit 1); the third encrypts the volume in the file
        Files.writeString(dir.resolve("fix.sh"), """
                n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count
                if [ $n -lt 3 ]; then echo "attempt $n: KMS key not ready"; exit 1; fi
                sed 's/"encrypted": false/"encrypted": true/' "$GATEHOUSE_SOURCE" > t && mv t "$GATEHOUSE_SOURCE"
                echo "encrypted $GATEHOUSE_RESOURCE_ID"
                """);
        Outcome o = remediate("""
                remediations:
                  - rule: encrypted-volumes
                    action: {command: [sh, fix.sh]}
                    automatic: true
                    maximumAutomaticAttempts: 5
                    retryAttemptSeconds: 50
                """, Remediator.Mode.AUTOMATIC);
        RemediationOutcome out = o.report().remediations().get(0);
        assertThat(out.status()).isEqualTo(RemediationOutcome.Status.REMEDIATED);
        assertThat(out.attempts()).containsExactly("exit 1", "exit 1", "exit 0, COMPLIANT");
        // as AWS Config: 5 attempts within 50 s, so 10 s apart
        assertThat(slept).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10));
        assertThat(o.report().nonCompliant()).isFalse();
        assertThat(o.report().rules().get(0).evaluations().get(0).annotation()).isEqualTo("remediated: COMPLIANT");
        assertThat(o.audit()).extracting(AuditEntry::action, AuditEntry::result).containsExactly(
                org.assertj.core.groups.Tuple.tuple("comply.remediation.attempt", "failed"),
                org.assertj.core.groups.Tuple.tuple("comply.remediation.attempt", "failed"),
                org.assertj.core.groups.Tuple.tuple("comply.remediation.attempt", "ok"),
                org.assertj.core.groups.Tuple.tuple("comply.remediation", "REMEDIATED"));
        assertThat(o.audit().get(0).details()).contains("\"attempt\":1").contains("attempt 1: KMS key not ready")
                .contains("\"resourceId\":\"vol-1\"").contains("\"region\":\"eu-west-1\"").contains("\"account\":\"111122223333\"");
        assertThat(o.audit().get(0).subject()).isEqualTo("encrypted-volumes AWS::EC2::Volume/vol-1");
    }

    @Test
    void anActionThatSucceedsWithoutFixingAnythingUsesUpItsAttempts() throws Exception {
        Files.writeString(dir.resolve("items.json"), volume("vol-2", false));
        Outcome o = remediate("""
                remediations:
                  - rule: encrypted-volumes
                    action: {command: [sh, -c, 'echo pretending']}
                    automatic: true
                    maximumAutomaticAttempts: 3
                    retryAttemptSeconds: 0
                """, Remediator.Mode.AUTOMATIC);
        RemediationOutcome out = o.report().remediations().get(0);
        assertThat(out.status()).isEqualTo(RemediationOutcome.Status.FAILED);
        assertThat(out.attempts()).containsExactly("exit 0, still NON_COMPLIANT", "exit 0, still NON_COMPLIANT", "exit 0, still NON_COMPLIANT");
        assertThat(slept).containsExactly(Duration.ZERO, Duration.ZERO);
        assertThat(o.report().nonCompliant()).isTrue();
        assertThat(o.audit()).extracting(AuditEntry::result).containsExactly("still NON_COMPLIANT", "still NON_COMPLIANT",
                "still NON_COMPLIANT", "FAILED");
    }

    @Test
    void manualRemediationWaitsUnlessRequested() throws Exception {
        Files.writeString(dir.resolve("items.json"), volume("vol-3", false));
        String yaml = """
                remediations:
                  - rule: encrypted-volumes
                    action: {command: [sh, -c, 'sed "s/: false/: true/" items.json > t && mv t items.json']}
                """;
        Outcome waiting = remediate(yaml, Remediator.Mode.AUTOMATIC);
        assertThat(waiting.report().remediations().get(0).status()).isEqualTo(RemediationOutcome.Status.MANUAL);
        assertThat(Files.readString(dir.resolve("items.json"))).contains("false");
        assertThat(waiting.audit()).extracting(AuditEntry::result).containsExactly("MANUAL");

        Outcome requested = remediate(yaml, Remediator.Mode.ALL);
        assertThat(requested.report().remediations().get(0).status()).isEqualTo(RemediationOutcome.Status.REMEDIATED);
        assertThat(Files.readString(dir.resolve("items.json"))).contains("true");
    }

    @Test
    void aWebhookRemediationThenARefreshCommandReadsTheStateTheReceiverChanged() throws Exception {
        Files.writeString(dir.resolve("items.json"), volume("vol-4", false));
        Path state = dir.resolve("state.json");
        Files.writeString(state, volume("vol-4", false));
        List<String> signatures = new ArrayList<>();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/remediate", x -> {
            byte[] body = x.getRequestBody().readAllBytes();
            signatures.add(x.getRequestHeaders().getFirst("X-Gatehouse-Signature"));
            // the receiver (say, a ticket-and-automation system) encrypts the volume it was told about
            String id = new String(body, StandardCharsets.UTF_8).replaceAll(".*\"resourceId\":\"([^\"]+)\".*", "$1");
            Files.writeString(state, volume(id, true));
            x.sendResponseHeaders(202, -1);
            x.close();
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/remediate";
        Outcome o = remediate("""
                remediations:
                  - rule: encrypted-volumes
                    automatic: true
                    action:
                      webhook: %s
                      secretEnv: HOOK_KEY
                    refresh:
                      command: [cat, state.json]
                """.formatted(url), Remediator.Mode.AUTOMATIC);
        RemediationOutcome out = o.report().remediations().get(0);
        assertThat(out.status()).isEqualTo(RemediationOutcome.Status.REMEDIATED);
        assertThat(out.attempts()).containsExactly("HTTP 202, COMPLIANT");
        assertThat(out.action()).isEqualTo("webhook " + url);
        assertThat(signatures).hasSize(1).allSatisfy(s -> assertThat(s).startsWith("sha256="));
        assertThat(o.audit().get(0).details()).doesNotContain("hmac-key-123");
    }

    @Test
    void dryRun() throws Exception {
        Files.writeString(dir.resolve("items.json"), volume("vol-5", false));
        Outcome o = remediate("""
                remediations:
                  - rule: encrypted-volumes
                    automatic: true
                    action: {command: [sh, -c, 'exit 0']}
                """, Remediator.Mode.NONE);
        assertThat(o.report().remediations().get(0).status()).isEqualTo(RemediationOutcome.Status.NOT_RUN);
        assertThat(o.audit()).extracting(AuditEntry::result).containsExactly("NOT_RUN");
    }

    @Test
    void compliantAndOutOfScopeResourcesAreLeftAlone() throws Exception {
        Files.writeString(dir.resolve("items.json"), "[" + volume("ok", true) + ", {\"resourceType\": \"AWS::S3::Bucket\", \"resourceId\": \"b\"}]");
        Outcome o = remediate("""
                remediations:
                  - rule: encrypted-volumes
                    automatic: true
                    action: {command: [sh, -c, 'exit 1']}
                """, Remediator.Mode.AUTOMATIC);
        assertThat(o.report().remediations()).isEmpty();
        assertThat(o.audit()).isEmpty();
    }
}
