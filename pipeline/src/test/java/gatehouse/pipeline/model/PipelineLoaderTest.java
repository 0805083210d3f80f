package gatehouse.pipeline.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gatehouse.core.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PipelineLoaderTest {
    @TempDir
    Path dir;

    PipelineSpec load(String yaml) throws IOException {
        Path f = dir.resolve("gatehouse.yml");
        Files.writeString(f, yaml);
        return PipelineLoader.load(f);
    }

    String error(String yaml) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> load(yaml));
        assertThat(t).isInstanceOf(InputException.class);
        return ((InputException) t).first().headline().replace(dir.toString() + "/", "");
    }

    @Test
    void readsEveryStepKindWithPositions() throws IOException {
        PipelineSpec p = load("""
                version: 1
                name: shop
                secrets:
                  TOKEN: {env: SHOP_TOKEN}
                environments:
                  prod: {production: true, secrets: [TOKEN], parameters: params/prod.json}
                notify: {reports: out/security, webhook: "http://127.0.0.1:9/hook", webhook_secret: TOKEN}
                stages:
                  - name: source
                    steps:
                      - gate: policy
                        paths: [infra]
                      - gate: sarif
                        sarif: semgrep.sarif
                        fail_on: warning
                      - run: make
                        name: build
                        outputs: [app.jar]
                        timeout: 60
                  - name: release
                    environment: prod
                    steps:
                      - approval: {count: 2, approvers: [a, b, c]}
                      - run: ./deploy
                        secrets: [TOKEN]
                """);
        assertThat(p.name()).isEqualTo("shop");
        assertThat(p.stages()).extracting(Stage::name).containsExactly("source", "release");
        Stage source = p.stages().get(0);
        assertThat(source.steps()).extracting(Step::name).containsExactly("policy", "sarif", "build");
        assertThat(source.steps().get(2).at().line()).isEqualTo(16);
        Step.Gate sarif = (Step.Gate) source.steps().get(1);
        assertThat(sarif.failOn()).isEqualTo("warning");
        Step.Approval a = (Step.Approval) p.stages().get(1).steps().get(0);
        assertThat(a.count()).isEqualTo(2);
        assertThat(p.environments().get("prod").protectedEnv()).as("production implies protected").isTrue();
        assertThat(p.environments().get("prod").parameters()).isEqualTo(dir.resolve("params/prod.json"));
        assertThat(p.notification().webhookSecret()).isEqualTo("TOKEN");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            version: 2                                                        | gatehouse.yml:1:10: error: version must be 1
            version: 1                                                        | gatehouse.yml:1:1: error: the pipeline has no stages
            version: 1\\nstagez: []                                           | gatehouse.yml:2:1: error: unknown key stagez
            version: 1\\nstages: [{name: a, steps: [{run: x, gate: policy}]}] | gatehouse.yml:2:28: error: a step has one kind, not run and gate
            version: 1\\nstages: [{name: a, steps: [{gate: dast}]}]          | gatehouse.yml:2:35: error: unknown gate dast
            version: 1\\nstages: [{name: a, environment: qa, steps: [{run: x}]}] | gatehouse.yml:2:33: error: unknown environment qa
            version: 1\\nstages: [{name: a, steps: [{run: x, secrets: [K]}]}] | gatehouse.yml:2:46: error: unknown secret K
            version: 1\\nstages: [{name: a, steps: [{run: x}]}, {name: a, steps: [{run: y}]}] | gatehouse.yml:2:47: error: two stages are named a
            version: 1\\nstages: [{name: a, steps: [{run: x, name: b}, {run: y, name: b}]}] | gatehouse.yml:2:47: error: two steps of stage a are named b
            version: 1\\nstages: [{name: a, steps: [{gate: sarif}]}]         | gatehouse.yml:2:28: error: a sarif gate needs sarif: the file to read
            version: 1\\nstages: [{name: a, steps: [{run: x, timeout: 0}]}]  | gatehouse.yml:2:46: error: timeout (seconds) must be an integer from 1 to 604800
            version: 1\\nstages: [{name: a, steps: [{approval: {count: 3, approvers: [x]}}]}] | gatehouse.yml:2:61: error: 3 approvals needed but only 1 approvers listed
            """)
    void mistakesPointAtTheirPlace(String yaml, String expected) {
        assertThat(error(yaml.replace("\\n", "\n"))).isEqualTo(expected);
    }

    @Test
    void unnamedStepsOfOneKindAreNumbered() throws IOException {
        PipelineSpec p = load("version: 1\nstages: [{name: a, steps: [{run: x}, {run: y}, {gate: secrets}, {run: z}]}]");
        assertThat(p.stages().get(0).steps()).extracting(Step::name).containsExactly("run", "run-2", "secrets", "run-3");
    }

    @Test
    void aMissingFileIsAnInputError() {
        assertThatThrownBy(() -> PipelineLoader.load(dir.resolve("nope.yml"))).isInstanceOf(InputException.class)
                .hasMessageContaining("no pipeline file");
    }
}
