package gatehouse.cli.comply;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.audit.AuditEntry;
import gatehouse.audit.AuditLog;
import gatehouse.cli.Cli;
import gatehouse.cli.ExitCode;
import gatehouse.store.Store;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse comply} in process on a copy of examples/comply: the seeds' compliance table as golden text,
 * JSON and HTML, exit codes, input errors with positions, and remediation by a real process audited in a real
 * SQLite store.
 */
class ComplyCommandTest {
    static final Path EXAMPLE = Path.of("../examples/comply");
    static final Path GOLDEN = Path.of("src/test/resources/golden/comply");

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    @BeforeEach
    void copyExample() throws IOException {
        try (Stream<Path> s = Files.walk(EXAMPLE)) {
            for (Path p : s.toList()) {
                Path to = dir.resolve(EXAMPLE.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        ComplyCommand.env = k -> Map.of("GATEHOUSE_ACTOR", "tester", "FIX_TOKEN", "tok-0123456789abcdef").get(k);
    }

    /** Golden files this test rewrote (with -Dgolden.update=true): the test then fails, asking for a review. */
    final List<Path> rewritten = new java.util.ArrayList<>();

    @AfterEach
    void resetEnv() {
        ComplyCommand.env = System::getenv;
        if (!rewritten.isEmpty()) {
            throw new AssertionError("golden files " + rewritten + " rewritten: review the diff and run again without -Dgolden.update");
        }
    }

    Run cli(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), dir);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static final String[] SEED = {"comply", "items", "-r", "rules", "--no-builtin", "-P", "approved_amis=ami-0approved000001,ami-0approved000002"};

    static String[] with(String[] base, String... more) {
        String[] a = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, a, base.length, more.length);
        return a;
    }

    /** Compares with a golden file; {@code -Dgolden.update=true} rewrites it and fails, asking for a review. */
    void golden(String name, String actual) throws IOException {
        Path f = GOLDEN.resolve(name);
        String normal = actual.replace("\r\n", "\n");
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(f.getParent());
            Files.writeString(f, normal);
            rewritten.add(f);
            return;
        }
        assertThat(f).as("golden file (create it with -Dgolden.update=true)").exists();
        assertThat(normal).isEqualTo(Files.readString(f));
    }

    @Test
    void theSeedsComplianceTableAsText() throws IOException {
        Run r = cli("", SEED);
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isEqualTo(ExitCode.GATE_FAILED.code);
        assertThat(r.out()).contains("s3-bucket-versioning-enabled  NON_COMPLIANT               5          1")
                .contains("approved-amis-by-id           NON_COMPLIANT               1          1")
                .contains("cloudtrail-enabled            COMPLIANT                   0          1");
        golden("seed.txt", r.out());
    }

    @Test
    void theSeedsComplianceTableAsJsonAndHtml() throws IOException {
        Run r = cli("", with(SEED, "-f", "json", "-o", "-", "-f", "html", "-o", "out/compliance.html"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).startsWith("{\n  \"schemaVersion\" : 1,");
        golden("seed.json", r.out());
        String html = Files.readString(dir.resolve("out/compliance.html"));
        assertThat(html).doesNotContain("<script src").doesNotContain("<link").doesNotContain("http://").doesNotContain("https://");
        golden("seed.html", html);
    }

    @Test
    void builtInPackOnTheSameItems() throws IOException {
        Run r = cli("", "comply", "items/buckets", "items/trail.json", "--rule", "GH-S3-001", "--rule", "GH-CT-002");
        assertThat(r.err()).isEmpty();
        golden("builtin.txt", r.out());
        assertThat(r.code()).isEqualTo(1);
    }

    @Test
    void allCompliantExitsZero() {
        Run r = cli("", "comply", "items/buckets/logs-archive.json", "items/trail.json", "-r", "rules", "--no-builtin");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isEqualTo(ExitCode.OK.code);
        assertThat(r.out()).contains("s3-bucket-versioning-enabled  COMPLIANT ").contains("NOT APPLICABLE (no resource in scope): approved-amis-by-id");
    }

    @Test
    void standardInput() throws IOException {
        Run r = cli(Files.readString(dir.resolve("items/buckets/web-assets.json")), "comply", "-", "-r", "rules", "--no-builtin", "-f", "json");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("\"source\" : \"<stdin>:1\"").contains("\"resourceId\" : \"web-assets\"");
    }

    @Test
    void badInputIsExitTwoWithFileLineColumnAndAHint() throws IOException {
        Files.writeString(dir.resolve("broken.json"), "{\n  \"resourceType\": \"AWS::S3::Bucket\",\n  \"resourceId\": \"x\"\n  \"configuration\": {}\n}\n");
        Run r = cli("", "comply", "broken.json", "-r", "rules", "--no-builtin");
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("broken.json:4:3: error: invalid JSON: Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries\n")
                .contains("  hint: ").doesNotContain("Exception").doesNotContain("\tat ");

        Files.writeString(dir.resolve("odd.json"), "{\"Whatever\": 1}");
        r = cli("", "comply", "odd.json", "-r", "rules", "--no-builtin");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("odd.json:1:1: error: neither a configuration item");

        r = cli("", "comply", "missing.json", "-r", "rules", "--no-builtin");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("missing.json:1:1: error: no such file\n  hint:");

        r = cli("", "comply", "items", "-r", "rules", "--no-builtin", "-f", "pdf");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown format pdf");

        r = cli("", "comply", "items", "-r", "rules", "--no-builtin", "--rule", "NO-SUCH");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("no loaded rule is called NO-SUCH");
    }

    @Test
    void aBrokenRuleFileIsExitTwo() throws IOException {
        Files.writeString(dir.resolve("rules/broken.guard"), "rule x {\n  Resources.*.Type == \n}\n");
        Run r = cli("", SEED);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("broken.guard:");
    }

    @Test
    void remediationByARealProcessThenReEvaluationAllAudited() throws Exception {
        String db = "jdbc:sqlite:" + dir.resolve("audit.db");
        Run r = cli("", with(SEED, "--remediation", "remediation.yml", "--store", db));
        assertThat(r.err()).isEmpty();
        // the buckets are fixed; the unapproved AMI has a manual remediation only: still non-compliant
        assertThat(r.code()).isEqualTo(1);
        golden("remediated.txt", r.out());
        // the process really changed the files that the re-evaluation read
        assertThat(Files.readString(dir.resolve("items/buckets/web-assets.json"))).contains("\"status\": \"Enabled\"");
        // a second run finds the buckets compliant without remediating anything
        Run again = cli("", SEED);
        assertThat(again.out()).contains("s3-bucket-versioning-enabled  COMPLIANT                   0          6");

        try (AuditLog log = AuditLog.open(Store.open(db, false))) {
            List<AuditEntry> entries = log.entries(AuditLog.Query.all());
            assertThat(entries).filteredOn(e -> e.action().equals("comply.remediation.attempt")).hasSize(5)
                    .allSatisfy(e -> {
                        assertThat(e.actor()).isEqualTo("tester");
                        assertThat(e.result()).isEqualTo("ok");
                        assertThat(e.details()).contains("\"complianceAfter\":\"COMPLIANT\"").contains("\"outcome\":\"exit 0\"")
                                .contains("enabling versioning on");
                    });
            assertThat(entries).filteredOn(e -> e.action().equals("comply.remediation")).extracting(AuditEntry::result)
                    .containsExactlyInAnyOrder("MANUAL", "REMEDIATED", "REMEDIATED", "REMEDIATED", "REMEDIATED", "REMEDIATED");
            assertThat(log.verify(List.of()).intact()).isTrue();
        }
    }

    @Test
    void dryRunRemediatesNothing() throws Exception {
        Run r = cli("", with(SEED, "--remediation", "remediation.yml", "--remediate", "none", "--store", "jdbc:sqlite:" + dir.resolve("a.db")));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("NOT_RUN s3-bucket-versioning-enabled AWS::S3::Bucket web-assets via command sh");
        assertThat(Files.readString(dir.resolve("items/buckets/web-assets.json"))).contains("\"Suspended\"");
    }

    @Test
    void aBadRemediationFileIsExitTwoAtItsPosition() throws IOException {
        Files.writeString(dir.resolve("bad.yml"), "version: 1\nremediations:\n  - rule: s3-bucket-versioning-enabled\n    action: {command: [sh]}\n    maximumAutomaticAttempts: 99\n");
        Run r = cli("", with(SEED, "--remediation", "bad.yml"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("bad.yml:5:31: error: maximumAutomaticAttempts must be an integer from 1 to 25\n");
    }

    @Test
    void secretsOfTheEnvironmentAreMaskedInTheAuditLog() throws Exception {
        Files.writeString(dir.resolve("leaky.yml"), """
                version: 1
                remediations:
                  - rule: s3-bucket-versioning-enabled
                    automatic: true
                    maximumAutomaticAttempts: 1
                    action:
                      command: [sh, -c, 'echo "using $FIX_TOKEN"; exit 1']
                      secretEnv: [FIX_TOKEN]
                """);
        String db = "jdbc:sqlite:" + dir.resolve("leak.db");
        Run r = cli("", with(SEED, "--remediation", "leaky.yml", "--store", db));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("FAILED s3-bucket-versioning-enabled").doesNotContain("tok-0123456789abcdef");
        try (AuditLog log = AuditLog.open(Store.open(db, false))) {
            assertThat(log.entries(AuditLog.Query.all())).filteredOn(e -> e.action().equals("comply.remediation.attempt")).hasSize(5)
                    .allSatisfy(e -> assertThat(e.details()).contains("using ****").doesNotContain("tok-0123456789abcdef"));
        }
    }

    @Test
    void anAccountLevelRuleCannotHaveAResourceRemediation() throws IOException {
        Files.writeString(dir.resolve("acct.yml"), "remediations:\n  - rule: cloudtrail-enabled\n    action: {log: true}\n");
        Run r = cli("", with(SEED, "--remediation", "acct.yml"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("acct.yml:2:5: error: rule cloudtrail-enabled is account-level");
    }

    @Test
    void helpNamesTheCommandWithExamples() {
        Run r = cli("", "comply", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: gatehouse comply").contains("--remediation=FILE").contains("Examples:");
        assertThat(cli("", "--help").out()).contains("comply");
    }
}
