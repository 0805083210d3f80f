package gatehouse.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.cli.Cli;
import gatehouse.cli.ExitCode;
import gatehouse.audit.AuditKeys;
import gatehouse.audit.AuditLog;
import gatehouse.store.Store;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse audit ...} in process on a real SQLite store in a temporary project: output and exit codes. */
class AuditCommandTest {
    @TempDir
    Path project;

    final Map<String, String> env = new HashMap<>();

    record Run(int code, String out, String err) {}

    Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), project);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void isolateEnvironment() throws Exception {
        AuditCommand.env = env::get;
        Files.createDirectories(project.resolve(".gatehouse"));
    }

    @AfterEach
    void restoreEnvironment() {
        AuditCommand.env = System::getenv;
    }

    Path db() {
        return project.resolve(".gatehouse/gatehouse.db");
    }

    /** Five entries, one hour apart from 2026-05-01T10:00Z, sealed at seq 4 by the key in {@code key}. */
    void populate(Path key) {
        long[] t = {Instant.parse("2026-05-01T09:00:00Z").toEpochMilli()};
        Clock clock = new Clock() {
            @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId z) { return this; }
            @Override public Instant instant() { return Instant.ofEpochMilli(t[0] += 3_600_000); }
        };
        AuditKeys.Signer signer = key == null ? null : AuditKeys.configuredSigner(key, Map.of());
        try (AuditLog log = AuditLog.open(Store.open("jdbc:sqlite:" + db(), true), new AuditLog.Options(signer, 4, clock))) {
            log.append("ci", "gate", "run/1", "pass", Map.of("findings", 0));
            log.append("alice", "approve", "run/1/prod", "ok", Map.of());
            log.append("ci", "deploy", "prod/web", "pass", Map.of("digest", "sha256:ab12"));
            log.append("bob", "approve", "run/2/prod", "denied", Map.of());
            log.append("ci", "gate", "run/2", "fail", Map.of("findings", 3));
        }
    }

    Path keygen() {
        Run r = cli("audit", "keygen", "-o", "keys/audit.key");
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK.code);
        return project.resolve("keys/audit.key");
    }

    void sql(String q) throws Exception {
        try (Connection c = Store.open("jdbc:sqlite:" + db(), false).connect(); Statement s = c.createStatement()) {
            s.executeUpdate(q);
        }
    }

    @Test
    void keygenWritesAPrivateKeyOnlyTheOwnerCanReadAndThePublicKeyBesideIt() throws Exception {
        Path key = keygen();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
        Path pub = project.resolve("keys/audit.key.pub");
        assertThat(Files.readString(pub)).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(AuditKeys.readPublic(Files.readString(pub), "pub"))
                .isEqualTo(AuditKeys.publicKeyOf(AuditKeys.readPrivate(Files.readString(key), "key")));

        Run again = cli("audit", "keygen", "-o", "keys/audit.key");
        assertThat(again.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(again.err()).startsWith(key + ":1:1: error: already exists\n  hint: ");
    }

    @Test
    void logPrintsEntriesOldestFirstWithFilters() {
        populate(null);
        Run all = cli("audit", "log");
        assertThat(all.code()).isZero();
        assertThat(all.out()).isEqualTo("""
                #1  2026-05-01T10:00:00Z  ci  gate  run/1  pass  {"findings":0}
                #2  2026-05-01T11:00:00Z  alice  approve  run/1/prod  ok
                #3  2026-05-01T12:00:00Z  ci  deploy  prod/web  pass  {"digest":"sha256:ab12"}
                #4  2026-05-01T13:00:00Z  bob  approve  run/2/prod  denied
                #5  2026-05-01T14:00:00Z  ci  gate  run/2  fail  {"findings":3}
                """);
        assertThat(cli("audit", "log", "--actor", "ci", "--action", "gate").out()).startsWith("#1 ").contains("\n#5 ").doesNotContain("#3");
        assertThat(cli("audit", "log", "--since", "2026-05-01T12:00:00Z", "--limit", "2").out()).startsWith("#4 ").contains("\n#5 ").hasLineCount(2);
        assertThat(cli("audit", "log", "--since", "2026-05-02").out()).isEmpty();
    }

    @Test
    void logAsJson() throws Exception {
        populate(null);
        Run r = cli("audit", "log", "-f", "json", "--action", "deploy");
        assertThat(r.code()).isZero();
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertThat(doc.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(doc.get("entries")).hasSize(1);
        JsonNode e = doc.get("entries").get(0);
        assertThat(e.get("seq").asLong()).isEqualTo(3);
        assertThat(e.get("time").asText()).isEqualTo("2026-05-01T12:00:00Z");
        assertThat(e.get("details").get("digest").asText()).isEqualTo("sha256:ab12");
        assertThat(e.get("hash").asText()).hasSize(64);
    }

    @Test
    void inputErrorsExitTwoWithOneLineAndAHint() {
        Run none = cli("audit", "log");
        assertThat(none.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(none.err()).startsWith("gatehouse: error: no store at " + db() + "\n  hint: ");
        assertThat(db()).doesNotExist();
        populate(null);
        Run since = cli("audit", "log", "--since", "yesterday");
        assertThat(since.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(since.err()).isEqualTo("--since:1:1: error: cannot read the time 'yesterday'\n"
                + "  hint: use 2026-05-01T10:00:00Z, 2026-05-01 or an age like 24h or 7d\n");
        Run url = cli("audit", "verify", "--store", "mysql://x");
        assertThat(url.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(url.err()).startsWith("gatehouse: error: unsupported store URL 'mysql://x'");
        Run key = cli("audit", "verify", "--public-key", "missing.pub");
        assertThat(key.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(key.err()).startsWith(project.resolve("missing.pub") + ":1:1: error: no such key file\n");
    }

    @Test
    void verifyExitsZeroWhenIntactAndOneWithALinePerProblem() throws Exception {
        Path key = keygen();
        populate(key);
        Run ok = cli("audit", "verify", "--public-key", "keys/audit.key.pub");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).isEqualTo("intact: 5 entries (seq 1-5), 1 of 1 checkpoints verified\n");
        assertThat(ok.err()).isEqualTo("note: entries after seq 4 are not sealed by a checkpoint yet: their removal would not be detected\n");

        sql("UPDATE audit_entries SET result = 'pass' WHERE seq = 4");
        sql("DELETE FROM audit_entries WHERE seq = 2");
        Run bad = cli("audit", "verify", "--public-key", "keys/audit.key.pub");
        assertThat(bad.code()).isEqualTo(ExitCode.GATE_FAILED.code);
        assertThat(bad.out()).isEqualTo("seq 2: removed: the entry is missing\nseq 4: edited: its fields do not match its hash\n");
        assertThat(bad.err()).contains("2 problems found in 4 entries");
    }

    @Test
    void verifyTakesTheKeyFromTheEnvironmentAndSaysWhenThereIsNone() throws Exception {
        Path key = keygen();
        populate(key);
        Run noKey = cli("audit", "verify");
        assertThat(noKey.code()).isZero();
        assertThat(noKey.out()).isEqualTo("intact: 5 entries (seq 1-5), 0 of 1 checkpoints verified\n");
        assertThat(noKey.err()).contains("note: 1 checkpoint was not verified: no public key");
        env.put("GATEHOUSE_AUDIT_PUBLIC_KEY", Files.readString(project.resolve("keys/audit.key.pub")));
        assertThat(cli("audit", "verify").out()).isEqualTo("intact: 5 entries (seq 1-5), 1 of 1 checkpoints verified\n");
        env.clear();
        env.put("GATEHOUSE_AUDIT_KEY", key.toString()); // the public key is derived from the signing key
        assertThat(cli("audit", "verify").out()).isEqualTo("intact: 5 entries (seq 1-5), 1 of 1 checkpoints verified\n");
        Path other = project.resolve("other.key");
        assertThat(cli("audit", "keygen", "-o", "other.key").code()).isZero();
        Run forged = cli("audit", "verify", "--public-key", "other.key.pub");
        assertThat(forged.code()).isEqualTo(ExitCode.GATE_FAILED.code);
        assertThat(forged.out()).startsWith("checkpoint 4: forged: signed by unknown key ");
        assertThat(other).exists();
    }

    @Test
    void checkpointNeedsAKeyAndSealsTheTip() throws Exception {
        populate(null);
        Run none = cli("audit", "checkpoint");
        assertThat(none.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(none.err()).startsWith("--key:1:1: error: no signing key: checkpoints need one\n");
        Path key = keygen();
        env.put("GATEHOUSE_AUDIT_KEY", Files.readString(key));
        Run ok = cli("audit", "checkpoint");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).startsWith("checkpoint at seq 5 (hash ").endsWith(", key " + AuditKeys.keyId(
                AuditKeys.readPublic(Files.readString(project.resolve("keys/audit.key.pub")), "pub")) + ")\n");
        assertThat(ok.out() + ok.err()).doesNotContain("PRIVATE KEY");
        Run verified = cli("audit", "verify");
        assertThat(verified.out()).isEqualTo("intact: 5 entries (seq 1-5), 1 of 1 checkpoints verified\n");
        assertThat(verified.err()).isEmpty();
    }

    @Test
    void exportVerifiesOfflineAndEditsToTheFileAreFound() throws Exception {
        Path key = keygen();
        populate(key);
        Run export = cli("audit", "export", "-o", "audit.jsonl");
        assertThat(export.code()).as(export.err()).isZero();
        Path file = project.resolve("audit.jsonl");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(6); // 5 entries and the checkpoint after seq 4
        assertThat(lines.get(4)).startsWith("{\"type\":\"checkpoint\",\"seq\":4,");
        assertThat(lines.get(0)).startsWith("{\"type\":\"entry\",\"seq\":1,\"timeMs\":1777629600000,\"actor\":\"ci\",")
                .contains("\"details\":\"{\\\"findings\\\":0}\"");

        Run ok = cli("audit", "verify", "--file", "audit.jsonl", "--public-key", "keys/audit.key.pub");
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).isEqualTo("intact: 5 entries (seq 1-5), 1 of 1 checkpoints verified\n");

        // the archive loses its tail and an entry changes its actor
        Files.write(file, List.of(lines.get(0), lines.get(1).replace("\"alice\"", "\"mallory\"")));
        Run bad = cli("audit", "verify", "--file", "audit.jsonl", "--public-key", "keys/audit.key.pub");
        assertThat(bad.code()).isEqualTo(ExitCode.GATE_FAILED.code);
        // the checkpoint line was cut too: only the chain itself speaks
        assertThat(bad.out()).isEqualTo("seq 2: edited: its fields do not match its hash\n");

        Files.write(file, List.of(lines.get(0), lines.get(1), "{\"type\":\"entry\",\"seq\":3,", lines.get(3)));
        Run malformed = cli("audit", "verify", "--file", "audit.jsonl");
        assertThat(malformed.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(malformed.err()).startsWith(file + ":3:").contains(": error: not valid JSON: ").contains("  hint: each line of an audit export");
        Files.write(file, List.of(lines.get(0), "{\"type\":\"entry\",\"seq\":\"two\"}"));
        Run badField = cli("audit", "verify", "--file", "audit.jsonl");
        assertThat(badField.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(badField.err()).startsWith(file + ":2:17: error: \"seq\" must be an integer\n");
        assertThat(cli("audit", "verify", "--file", "nope.jsonl").err()).startsWith(project.resolve("nope.jsonl") + ":1:1: error: no such file\n");
    }
}
