package gatehouse.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import gatehouse.core.finding.Decision;
import gatehouse.core.finding.Finding;
import gatehouse.core.finding.Location;
import gatehouse.core.finding.Rule;
import gatehouse.core.finding.ScanReport;
import gatehouse.core.finding.Severity;
import gatehouse.core.finding.Suppression;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every reporter against a golden file, on a report with every feature: several files, severities, a
 * provenance, a suppression, an input error, characters that need escaping. Regenerate deliberately with
 * {@code -Dgatehouse.updateGolden=true} and review the diff.
 */
class ReportersGoldenTest {
    static ScanReport sample() {
        Rule ssh = new Rule("GH-SG-003", "Security group allows SSH (port 22) from the internet", Severity.CRITICAL, 50,
                "security-groups", "SSH open to the internet is brute-forced.", "Restrict port 22.",
                List.of("AWS Config restricted-ssh", "CIS AWS Foundations v1.2 4.1"), "docs/rules/GH-SG-003.md");
        Rule ver = new Rule("GH-S3-001", "S3 bucket does not have versioning enabled", Severity.MEDIUM, 8, "s3",
                "Deleted objects cannot be recovered.", "Set VersioningConfiguration.Status to Enabled.",
                List.of("AWS Config s3-bucket-versioning-enabled"), "docs/rules/GH-S3-001.md");
        Finding f1 = new Finding(ssh, "SSH (tcp 22) is open to the whole internet <0.0.0.0/0> & \"more\"",
                new Location("infra/sg.yaml", 12, 19, "WebSG", "/Resources/WebSG/Properties/SecurityGroupIngress/0/CidrIp"),
                "          CidrIp: !Ref SshSource", "via parameter SshSource (default)", "0123456789abcdef0123456789abcdef", null);
        Finding f2 = new Finding(ver, "the bucket does not keep versions", new Location("infra/s3.json", 4, 5, "Logs (App/Logs/Resource)",
                "/Resources/Logs"), "    \"Logs\": {", "", "fedcba9876543210fedcba9876543210",
                new Suppression("metadata", "cfn_nag", "log bucket, objects are immutable"));
        return new ScanReport("gatehouse", "1.2.3", "/repo", Instant.parse("2026-11-22T10:00:00Z"), 1234,
                List.of("infra/s3.json", "infra/sg.yaml"), List.of(ver, ssh), List.of(f2, f1),
                List.of("infra/broken.yaml:3:7: error: mapping values are not allowed here"),
                new Decision(Decision.Outcome.FAIL, 50, "a critical finding (GH-SG-003) fails the gate; total risk 50"),
                Map.of("infra/sg.yaml", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n          CidrIp: !Ref SshSource\nm\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"text", "json", "sarif", "junit", "html"})
    void matchesGolden(String format) throws IOException {
        StringWriter w = new StringWriter();
        Reporter.forFormat(format, false).orElseThrow().write(sample(), w);
        String ext = switch (format) {
            case "junit" -> "xml";
            case "text" -> "txt";
            default -> format;
        };
        Path golden = Path.of("src/test/resources/golden/report." + ext);
        if (Boolean.getBoolean("gatehouse.updateGolden")) {
            Files.writeString(golden, w.toString(), StandardCharsets.UTF_8);
        }
        assertThat(w.toString()).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "sarif"})
    void jsonFormatsParse(String format) throws IOException {
        StringWriter w = new StringWriter();
        Reporter.forFormat(format, false).orElseThrow().write(sample(), w);
        try (JsonParser p = new JsonFactory().createParser(w.toString())) {
            while (p.nextToken() != null) {
                // a parse error throws
            }
        }
    }

    /**
     * The SARIF report validates against the SARIF 2.1.0 JSON schema, fetched (not committed) by
     * {@code bin/lib/sarif-schema.sh}; skipped when it is absent, unless {@code GATEHOUSE_REQUIRE_SARIF_SCHEMA}
     * is set, as CI does.
     */
    @org.junit.jupiter.api.Test
    void sarifValidatesAgainstTheSchema() throws IOException {
        Path schema = Path.of(System.getProperty("user.home"), ".cache", "gatehouse", "sarif-schema-2.1.0.json");
        if (System.getenv("GATEHOUSE_CACHE") != null) {
            schema = Path.of(System.getenv("GATEHOUSE_CACHE"), "sarif-schema-2.1.0.json");
        }
        if (System.getenv("GATEHOUSE_REQUIRE_SARIF_SCHEMA") == null) {
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(schema),
                    "SARIF schema not fetched: run bin/lib/sarif-schema.sh");
        }
        com.networknt.schema.JsonSchema s;
        try (var in = Files.newInputStream(schema)) {
            s = com.networknt.schema.JsonSchemaFactory.getInstance(com.networknt.schema.SpecVersion.VersionFlag.V4)
                    .getSchema(in);
        }
        StringWriter w = new StringWriter();
        Reporter.forFormat("sarif", false).orElseThrow().write(sample(), w);
        var errors = s.validate(new com.fasterxml.jackson.databind.ObjectMapper().readTree(w.toString()));
        assertThat(errors).isEmpty();
        // and the validator does reject what breaks the schema, so the check above can fail
        var broken = s.validate(new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                w.toString().replaceFirst("\"version\" *: *\"2.1.0\"", "\"version\": \"9\"")));
        assertThat(broken).isNotEmpty();
    }

    @org.junit.jupiter.api.Test
    void junitIsWellFormedXml() throws Exception {
        StringWriter w = new StringWriter();
        new JUnitReporter().write(sample(), w);
        DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(w.toString().getBytes(StandardCharsets.UTF_8)));
        assertThat(w.toString()).doesNotContain("<0.0.0.0/0>").contains("failures=\"1\"");
    }

    @org.junit.jupiter.api.Test
    void htmlIsSelfContainedAndEscaped() throws IOException {
        StringWriter w = new StringWriter();
        new HtmlReporter().write(sample(), w);
        String html = w.toString();
        assertThat(html).doesNotContain(" src=", "href=\"http", "@import", "<0.0.0.0/0>")
                .contains("&lt;0.0.0.0/0&gt;", "CidrIp: !Ref SshSource", "(suppressed)");
    }
}
