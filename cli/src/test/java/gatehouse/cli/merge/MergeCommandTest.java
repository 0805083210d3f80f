package gatehouse.cli.merge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.cli.ExitCode;
import gatehouse.cli.InProcess;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.StringValue;
import gatehouse.iac.load.DocumentLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse merge} end to end, in process, on real files in a temporary directory. */
class MergeCommandTest {
    @TempDir
    Path dir;

    InProcess.Result merge(String... args) {
        return InProcess.command(dir, "merge", args);
    }

    void write(String rel, String text) throws IOException {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    static final String SECURITY_SG = """
            Resources:
              WebSG:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: web tier
                  SecurityGroupIngress:
                    - IpProtocol: tcp
                      FromPort: 443
                      ToPort: 443
                      CidrIp: 10.0.0.0/8
            """;

    static final String DEV_REDEFINES = """
            Resources:
              Topic:
                Type: AWS::SNS::Topic
              WebSG:
                Type: AWS::EC2::SecurityGroup
                Properties:
                  GroupDescription: web tier
                  SecurityGroupIngress:
                    - IpProtocol: tcp
                      FromPort: 22
                      ToPort: 22
                      CidrIp: 0.0.0.0/0
            """;

    static final String[] OWNERS = {"--owner", "security=sec/**", "--owner", "ops=ops/**", "--owner", "dev=app/**"};

    String[] with(String... more) {
        String[] all = new String[OWNERS.length + more.length];
        System.arraycopy(OWNERS, 0, all, 0, OWNERS.length);
        System.arraycopy(more, 0, all, OWNERS.length, more.length);
        return all;
    }

    @Test
    void aDisjointMergeIsCleanAndWritesTheTemplateAndItsProvenance() throws IOException {
        write("sec/sg.yaml", SECURITY_SG);
        write("app/app.yaml", "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\nOutputs:\n  SG:\n    Value: !GetAtt WebSG.GroupId\n");
        InProcess.Result r = merge(with("-o", "out/merged.yaml", "--provenance", "out/prov.json"));
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.OK.code);
        assertThat(r.out()).contains("2 fragments", "0 findings", "decision: PASS");
        MapValue merged = (MapValue) DocumentLoader.defaults().load(dir.resolve("out/merged.yaml"));
        assertThat(((MapValue) merged.get("Resources")).entries().keySet()).containsExactly("WebSG", "Topic");
        JsonNode prov = new ObjectMapper().readTree(dir.resolve("out/prov.json").toFile());
        assertThat(prov.get("elements").get("/Resources/WebSG").get("owner").asText()).isEqualTo("security");
        assertThat(prov.get("elements").get("/Resources/Topic").get("file").asText()).isEqualTo("app/app.yaml");
        assertThat(prov.get("elements").get("/Outputs/SG").get("line").asInt()).isEqualTo(5);
    }

    @Test
    void devRedefiningSecuritysGroupFailsAndTheTemplateKeepsSecuritys() throws IOException {
        write("sec/sg.yaml", SECURITY_SG);
        write("app/x.yaml", DEV_REDEFINES);
        InProcess.Result r = merge(with("-o", "merged.yaml", "-f", "text", "-f", "sarif", "--report", "-", "--report", "merge.sarif"));
        assertThat(r.code()).isEqualTo(ExitCode.GATE_FAILED.code);
        assertThat(r.out()).contains("app/x.yaml", "4:3", "GH-MERGE-001",
                "dev fragment app/x.yaml:4:3 redefines resource WebSG owned by security (sec/sg.yaml:2:3)", "decision: FAIL");
        MapValue merged = (MapValue) DocumentLoader.defaults().load(dir.resolve("merged.yaml"));
        MapValue ingress = (MapValue) ((gatehouse.core.doc.ListValue) ((MapValue) ((MapValue) ((MapValue) merged.get("Resources"))
                .get("WebSG")).get("Properties")).get("SecurityGroupIngress")).get(0);
        assertThat(((StringValue) ingress.get("CidrIp")).value()).isEqualTo("10.0.0.0/8");
        JsonNode sarif = new ObjectMapper().readTree(dir.resolve("merge.sarif").toFile());
        JsonNode result = sarif.get("runs").get(0).get("results").get(0);
        assertThat(result.get("ruleId").asText()).isEqualTo("GH-MERGE-001");
        JsonNode loc = result.get("locations").get(0).get("physicalLocation");
        assertThat(loc.get("artifactLocation").get("uri").asText()).endsWith("app/x.yaml");
        assertThat(loc.get("region").get("startLine").asInt()).isEqualTo(4);
    }

    @Test
    void aRuleFindingOnTheMergedTemplatePointsAtTheFragmentLineInJson() throws IOException {
        write("sec/sg.yaml", SECURITY_SG);
        write("policies/instances.guard", """
                let instances = Resources.*[ Type == 'AWS::EC2::Instance' ]
                rule SEC_MONITORING when %instances !empty {
                    %instances.Properties.Monitoring == true
                }
                """);
        write("app/web.yaml", """
                Resources:
                  Web:
                    Type: AWS::EC2::Instance
                    Properties:
                      ImageId: ami-12345678
                      Monitoring: false
                """);
        InProcess.Result r = merge(with("--rules", "security=policies", "-f", "json"));
        assertThat(r.code()).as(r.err()).isEqualTo(ExitCode.GATE_FAILED.code);
        JsonNode f = new ObjectMapper().readTree(r.out()).get("findings").get(0);
        assertThat(f.get("ruleId").asText()).isEqualTo("SEC_MONITORING");
        assertThat(f.get("location").get("file").asText()).isEqualTo("app/web.yaml");
        assertThat(f.get("location").get("line").asInt()).isEqualTo(6);
        assertThat(f.get("location").get("column").asInt()).isEqualTo(19);
        assertThat(f.get("properties").get("checked on").asText()).isEqualTo("merged template");
    }

    @Test
    void ownersComeFromGatehouseYmlInTheWorkingDirectory() throws IOException {
        write("sec/sg.yaml", SECURITY_SG);
        write("app/x.yaml", DEV_REDEFINES);
        write("gatehouse.yml", """
                stages: []
                merge:
                  owners:
                    - name: security
                      paths: ["sec/**"]
                    - name: dev
                      paths: ["app/**"]
                  output: build/merged.json
                """);
        InProcess.Result r = merge();
        assertThat(r.code()).isEqualTo(ExitCode.GATE_FAILED.code);
        assertThat(r.out()).contains("GH-MERGE-001");
        assertThat(new ObjectMapper().readTree(dir.resolve("build/merged.json").toFile()).get("Resources").has("Topic")).isTrue();
    }

    @Test
    void brokenYamlIsAnInputErrorAtItsLineWithoutATrace() throws IOException {
        write("sec/sg.yaml", SECURITY_SG);
        write("app/broken.yaml", "Resources:\n  Web:\n    Type: [AWS::EC2::Instance\n");
        InProcess.Result r = merge(with());
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).startsWith("app/broken.yaml:").contains(": error: invalid YAML", "  hint: ").doesNotContain("at gatehouse.");
    }

    @Test
    void aFragmentOfNoOwnerAndOneOfTwoEqualOwnersAreInputErrors() throws IOException {
        write("sec/sg.yaml", SECURITY_SG);
        write("misc/stray.yaml", "Resources:\n  Q: {Type: AWS::SQS::Queue}\n");
        InProcess.Result r = merge(with("sec/sg.yaml", "misc/stray.yaml"));
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).contains("misc/stray.yaml:1:1: error: fragment matches no owner's paths", "hint: owners: security (sec/**)");

        write("shared/s.yaml", "Resources:\n  Q: {Type: AWS::SQS::Queue}\n");
        r = merge("--owner", "ops=shared/**", "--owner", "dev=shared/**", "--precedence", "ops+dev");
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).contains("shared/s.yaml:1:1: error: fragment matches owners ops and dev of the same precedence");
    }

    @Test
    void badFlagsAreInputErrors() throws IOException {
        write("sec/sg.yaml", SECURITY_SG);
        InProcess.Result r = merge("--owner", "security");
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).contains("expected NAME=VALUE", "hint: e.g. --owner security=sec/**.yaml");
        r = merge(with("--rules", "qa=policies"));
        assertThat(r.err()).contains("--rules names owner qa, which no --owner declares");
        r = merge(with("--precedence", "security,dev"));
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).contains("owner ops has no place in the precedence");
        r = merge(with("--config", "gatehouse.yml"));
        assertThat(r.err()).contains("cannot be combined with --config");
        r = merge();
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).contains("no owners");
        r = merge(with("-f", "xml"));
        assertThat(r.err()).contains("unknown format xml");
    }

    @Test
    void helpHasExamples() {
        InProcess.Result r = merge("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("security always wins", "--owner", "--provenance", "Examples:");
    }
}
