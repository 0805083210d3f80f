package gatehouse.pipeline.run;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.pipeline.attest.KeyType;
import gatehouse.pipeline.attest.Keys;
import gatehouse.pipeline.model.PipelineLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seeds' release path in one pipeline: fragments owned by security and dev are merged (security wins),
 * the build is signed with the pipeline's own key, and the protected production stage deploys only what that
 * identity signed.
 */
class ReleaseFlowTest {
    @TempDir
    Path dir;
    final List<String> audit = new ArrayList<>();

    static final String PIPELINE = """
            version: 1
            merge:
              owners:
                - {name: security, paths: ["sec/**"]}
                - {name: dev, paths: ["app/**"]}
              output: build/template.yaml
            environments:
              prod: {production: true, identity: [keys/%s.pub]}
            stages:
              - name: build
                steps:
                  - merge: {paths: [sec, app]}
                  - run: echo app-v1 > build/app.bin
                    outputs: [build/app.bin]
                  - attest: {subjects: [build/app.bin, build/template.yaml], output: build/app.intoto.jsonl}
              - name: prod
                environment: prod
                steps:
                  - verify: {attestation: build/app.intoto.jsonl, artifacts: [build/app.bin, build/template.yaml]}
                  - run: cp build/app.bin deployed.bin
            """;

    @BeforeEach
    void setUp() throws IOException {
        Files.createDirectories(dir.resolve("keys"));
        for (String name : List.of("pipeline", "stranger")) {
            KeyPair kp = Keys.generate(KeyType.ED25519);
            Files.writeString(dir.resolve("keys/" + name + ".key"), Keys.privatePem(kp.getPrivate()));
            Files.writeString(dir.resolve("keys/" + name + ".pub"), Keys.publicPem(kp.getPublic()));
        }
        Files.createDirectories(dir.resolve("sec"));
        Files.createDirectories(dir.resolve("app"));
        Files.writeString(dir.resolve("sec/sg.yaml"), """
                Resources:
                  WebSG:
                    Type: AWS::EC2::SecurityGroup
                    Properties:
                      GroupDescription: web
                      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}]
                """);
        Files.writeString(dir.resolve("app/app.yaml"), """
                Resources:
                  Queue:
                    Type: AWS::SQS::Queue
                    Properties: {KmsMasterKeyId: alias/aws/sqs}
                """);
    }

    RunRecord run(String identity, String yaml) throws IOException {
        Files.writeString(dir.resolve("gatehouse.yml"), yaml.formatted(identity));
        var spec = PipelineLoader.load(dir.resolve("gatehouse.yml"));
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "GATEHOUSE_SIGNING_KEY_FILE",
                dir.resolve("keys/pipeline.key").toString(), "GATEHOUSE_ACTOR", "ci");
        return new Runner(spec, new RunStore(dir.resolve(".gatehouse/runs")),
                (actor, action, subject, result, details) -> audit.add(action + " " + subject + " " + result), env,
                Clock.systemUTC(), line -> { }).run(null);
    }

    @Test
    void mergedSignedVerifiedDeployed() throws IOException {
        RunRecord run = run("pipeline", PIPELINE);
        assertThat(run.status).as(run.reason).isEqualTo(RunRecord.PASSED);
        assertThat(Files.readString(dir.resolve("build/template.yaml"))).contains("WebSG", "Queue");
        assertThat(run.stage("build").steps).extracting(s -> s.name).containsExactly("merge", "run", "attest");
        assertThat(run.stage("build").steps.get(0).outputs).containsKey("build/template.yaml");
        assertThat(run.stage("prod").steps.get(0).message).isEqualTo("signature and 2 digests verified");
        assertThat(dir.resolve("deployed.bin")).hasContent("app-v1");
        assertThat(audit).contains("verify " + run.id + "/prod/verify PASSED");
    }

    @Test
    void productionRefusesWhatAnotherIdentitySigned() throws IOException {
        RunRecord run = run("stranger", PIPELINE);
        assertThat(run.status).isEqualTo(RunRecord.FAILED);
        assertThat(run.reason).startsWith("prod/verify failed: ");
        assertThat(dir.resolve("deployed.bin")).doesNotExist();
    }

    @Test
    void devCannotQuietlyRedefineSecuritysGroup() throws IOException {
        Files.writeString(dir.resolve("app/sg.yaml"), """
                Resources:
                  WebSG:
                    Type: AWS::EC2::SecurityGroup
                    Properties:
                      GroupDescription: web
                      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}]
                """);
        RunRecord run = run("pipeline", PIPELINE);
        assertThat(run.status).isEqualTo(RunRecord.FAILED);
        assertThat(run.reason).startsWith("build/merge failed: FAIL");
        assertThat(run.stage("prod").status).isEqualTo(RunRecord.SKIPPED);
        assertThat(dir.resolve("build/app.intoto.jsonl")).doesNotExist();
    }

    @Test
    void aProtectedStageMustVerifyBeforeItRunsAnything() throws IOException {
        RunRecord run = run("pipeline", PIPELINE.replace("""
                      - verify: {attestation: build/app.intoto.jsonl, artifacts: [build/app.bin, build/template.yaml]}
                      - run: cp build/app.bin deployed.bin
                """, """
                      - run: cp build/app.bin deployed.bin
                      - verify: {attestation: build/app.intoto.jsonl, artifacts: [build/app.bin, build/template.yaml]}
                """));
        assertThat(run.status).isEqualTo(RunRecord.FAILED);
        assertThat(run.reason).contains("stage prod runs a command in protected environment prod before a verify step");
        assertThat(run.stages).isEmpty();
    }
}
