package gatehouse.cli.scan;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.cli.InProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse scan} end to end on real files in a temporary directory. */
class ScanCommandTest {
    @TempDir
    Path dir;

    InProcess.Result scan(String... args) {
        return InProcess.command(dir, "scan", args);
    }

    static final String OPEN_SSH = """
            Parameters:
              SshSource: { Type: String, Default: 0.0.0.0/0 }
            Resources:
              WebSG:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: web
                  SecurityGroupIngress:
                    - { IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref SshSource, Description: admin }
                  SecurityGroupEgress:
                    - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8 }
            """;

    @Test
    void sshOpenThroughAParameterDefaultFailsTheGate() throws IOException {
        Files.writeString(dir.resolve("sg.yaml"), OPEN_SSH);
        InProcess.Result r = scan();
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("GH-SG-003", "sg.yaml", "9:", "via parameter SshSource (default)", "decision: FAIL");
    }

    @Test
    void aParameterFileTurnsTheSameTemplateCompliant() throws IOException {
        Files.writeString(dir.resolve("sg.yaml"), OPEN_SSH);
        Files.writeString(dir.resolve("prod.json"), "{\"Parameters\": {\"SshSource\": \"203.0.113.10/32\"}}");
        InProcess.Result r = scan("sg.yaml", "-p", "prod.json");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("0 findings", "decision: PASS");
    }

    @Test
    void corporateCidrsFromConfigCatchSshFromElsewhere() throws IOException {
        Files.writeString(dir.resolve("sg.yaml"), OPEN_SSH.replace("0.0.0.0/0", "198.51.100.7/32"));
        Files.writeString(dir.resolve(".gatehouse.yml"), "version: 1\nparameters:\n  corporate_cidrs: [10.0.0.0/8]\n");
        InProcess.Result r = scan();
        assertThat(r.out()).contains("GH-SG-009").doesNotContain("GH-SG-003");
        assertThat(r.code()).isEqualTo(1);
    }

    @Test
    void brokenFilesAreReportedWithPositionAndTheScanGoesOn() throws IOException {
        Files.writeString(dir.resolve("sg.yaml"), OPEN_SSH);
        Files.writeString(dir.resolve("broken.yaml"), "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [\n");
        Files.write(dir.resolve("blob.json"), new byte[] {0, 1, 2, 'A', 'W', 'S', ':', ':'});
        Files.writeString(dir.resolve("workflow.yml"), "on: push\njobs: {}\n");
        InProcess.Result r = scan();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("GH-SG-003").containsPattern("broken\\.yaml:\\d+:\\d+: error:")
                .containsPattern("blob\\.json:\\d+:\\d+: error:").doesNotContain("workflow.yml").doesNotContain("Exception");
    }

    @Test
    void aNamedFileThatIsNotCloudFormationIsAnInputError() throws IOException {
        Files.writeString(dir.resolve("k8s.yaml"), "apiVersion: v1\nkind: Pod\n");
        InProcess.Result r = scan("k8s.yaml");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("k8s.yaml:1:1: error: not a CloudFormation template");
        assertThat(scan("missing.yaml").code()).isEqualTo(2);
    }

    @Test
    @Timeout(20)
    void aHostileRegexInAUserRuleCannotHangTheScan() throws IOException {
        Files.writeString(dir.resolve("t.json"), "{\"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\", \"Properties\": {\"BucketName\": \""
                + "a".repeat(50_000) + "!\"}}}}");
        Files.writeString(dir.resolve("evil.guard"), "rule EVIL { Resources.*.Properties.BucketName != /(a+)+$/ }\n");
        InProcess.Result r = scan("t.json", "--no-builtin", "--rules", "evil.guard");
        assertThat(r.code()).isIn(0, 1, 2);
        assertThat(r.out() + r.err()).doesNotContain("Exception");
    }

    @Test
    void aBrokenUserRuleIsAnInputErrorWithItsPosition() throws IOException {
        Files.writeString(dir.resolve("sg.yaml"), OPEN_SSH);
        Files.writeString(dir.resolve("bad.guard"), "rule R {\n  Resources.*.Type ==\n");
        InProcess.Result r = scan("--rules", "bad.guard");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).containsPattern("bad\\.guard:\\d+:\\d+: error:");
    }

    @Test
    void suppressionsAndWaiversKeepFindingsButMarkThem() throws IOException {
        Files.writeString(dir.resolve("sg.yaml"), OPEN_SSH.replace("  WebSG:\n    Type: AWS::EC2::SecurityGroup\n",
                "  WebSG:\n    Type: AWS::EC2::SecurityGroup\n    Metadata:\n      cfn_nag:\n        rules_to_suppress:\n"
                        + "          - { id: GH-SG-003, reason: bastion host in a lab account }\n"));
        Files.writeString(dir.resolve(".gatehouse.yml"), """
                version: 1
                waivers:
                  - { rule: GH-SG-001, resource: WebSG, reason: lab, expires: 2999-01-01 }
                  - { rule: GH-SG-007, reason: old exception, expires: 2020-01-01 }
                """);
        InProcess.Result r = scan("-f", "sarif");
        assertThat(r.out()).contains("\"suppressions\"", "bastion host in a lab account", "GH-WAIVER-001", "\"kind\" : \"external\"");
        InProcess.Result text = scan();
        assertThat(text.out()).contains("[suppressed]", "GH-SG-007", "GH-WAIVER-001");
    }

    @Test
    void severalFormatsGoToTheirFiles() throws IOException {
        Files.writeString(dir.resolve("sg.yaml"), OPEN_SSH);
        InProcess.Result r = scan("-f", "json", "-o", "out/r.json", "-f", "sarif", "-o", "out/r.sarif", "-f", "junit", "-o", "out/r.xml",
                "-f", "html", "-o", "out/r.html", "-f", "text");
        assertThat(r.code()).isEqualTo(1);
        assertThat(Files.readString(dir.resolve("out/r.json"))).contains("\"schemaVersion\" : 1", "GH-SG-003");
        assertThat(Files.readString(dir.resolve("out/r.sarif"))).contains("\"version\" : \"2.1.0\"");
        assertThat(Files.readString(dir.resolve("out/r.xml"))).contains("<testsuites");
        assertThat(Files.readString(dir.resolve("out/r.html"))).contains("<!DOCTYPE html>");
        assertThat(r.out()).contains("decision: FAIL");
        assertThat(scan("-f", "yaml").code()).isEqualTo(2);
    }

    @Test
    void badConfigurationIsAnInputErrorAtItsLine() throws IOException {
        Files.writeString(dir.resolve(".gatehouse.yml"), "version: 1\ngate:\n  fail_at: 50\n  treshold: 3\n");
        InProcess.Result r = scan();
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(".gatehouse.yml:4:3: error: unknown key treshold");
    }

    @Test
    void secretsNeverAppearInReports() throws IOException {
        Files.writeString(dir.resolve("db.yaml"), """
                Parameters:
                  DbPassword: { Type: String, Default: "Sup3rS3cretValue!" }
                Resources:
                  Db:
                    Type: AWS::RDS::DBInstance
                    Properties:
                      MasterUserPassword: "Sup3rS3cretValue!"
                      StorageEncrypted: true
                """);
        for (String f : new String[] {"text", "json", "sarif", "html", "junit"}) {
            assertThat(scan("-f", f).out()).as(f).doesNotContain("Sup3rS3cretValue");
        }
    }

    @Test
    void cdkOutputIsFoundAndFindingsNameTheConstruct() throws IOException {
        Path out = Files.createDirectories(dir.resolve("cdk.out"));
        Files.writeString(out.resolve("WebStack.template.json"), """
                {
                  "Resources": {
                    "WebSg1A2B3C4D": {
                      "Type": "AWS::EC2::SecurityGroup",
                      "Properties": {
                        "GroupDescription": "web",
                        "SecurityGroupIngress": [
                          {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "CidrIp": "0.0.0.0/0"}
                        ]
                      },
                      "Metadata": {"aws:cdk:path": "WebStack/WebSg/Resource"}
                    }
                  }
                }
                """);
        Files.writeString(out.resolve("manifest.json"), "{\"version\": \"36.0.0\", \"artifacts\": {}}");
        Files.createDirectories(out.resolve("asset.0123abcd"));
        Files.writeString(out.resolve("asset.0123abcd/ignored.template.json"), "{\"Resources\": {\"X\": {}}}");
        InProcess.Result r = scan("-f", "json");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("WebSg1A2B3C4D (WebStack/WebSg/Resource)", "GH-SG-003")
                .doesNotContain("asset.0123abcd").doesNotContain("manifest.json");
    }

    @Test
    void secretsInAnyFileJoinTheReportRedactedAndFailTheGate() throws IOException {
        String token = "xoxb-482915736051-2859174630512-Qm7Rw2Tz9Kx4Vb8Np3Lc6Hd1";
        Files.writeString(dir.resolve("sg.yaml"), OPEN_SSH.replace("0.0.0.0/0", "10.1.2.3/32"));
        Files.createDirectories(dir.resolve("scripts"));
        Files.writeString(dir.resolve("scripts/notify.sh"), "#!/bin/sh\nSLACK_TOKEN=" + token + "\n");
        Files.createDirectories(dir.resolve("node_modules/x"));
        Files.writeString(dir.resolve("node_modules/x/leak.js"), "t='" + token + "'\n");
        InProcess.Result r = scan("-f", "text", "-o", "-", "-f", "json", "-o", "out.json");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("scripts/notify.sh", "slack-bot-token", "decision: FAIL")
                .doesNotContain(token, "node_modules");
        assertThat(Files.readString(dir.resolve("out.json"))).contains("slack-bot-token").doesNotContain(token);

        InProcess.Result off = scan("--no-secrets");
        assertThat(off.out()).doesNotContain("slack-bot-token");
        Files.writeString(dir.resolve(".gatehouse.yml"), "version: 1\nsecrets:\n  enabled: false\n");
        assertThat(scan().out()).doesNotContain("slack-bot-token");
        Files.writeString(dir.resolve(".gatehouse.yml"), "version: 1\nsecrets:\n  enable: false\n");
        InProcess.Result bad = scan();
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains(".gatehouse.yml:3:");
    }
}
