package gatehouse.monitor.comply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gatehouse.core.InputException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The remediation file: every key, its defaults, and an error at file:line:col for each mistake. */
class RemediationConfigTest {
    static final Path DIR = Path.of("/work");

    static RemediationConfig parse(String yaml) {
        return RemediationConfig.parse("rem.yml", yaml, DIR, DIR, Set.of("r1", "r2"));
    }

    @Test
    void everyKey() {
        RemediationConfig c = parse("""
                version: 1
                actions:
                  page:
                    webhook: https://hooks.example.com/x
                    secretEnv: HOOK_KEY
                    timeoutSeconds: 3
                    attempts: 4
                remediations:
                  - rule: r1
                    resourceTypes: [AWS::S3::Bucket]
                    action: page
                    automatic: true
                    maximumAutomaticAttempts: 10
                    retryAttemptSeconds: 600
                  - rule: r2
                    action:
                      command: [aws, s3api, put-bucket-versioning]
                      env: {AWS_REGION: eu-west-1}
                      secretEnv: [TOKEN]
                      workDir: ops
                    refresh: {command: [cat, now.json], timeoutSeconds: 5}
                """);
        RemediationConfig.Remediation a = c.remediations().get(0);
        assertThat(a.automatic()).isTrue();
        assertThat(a.maximumAutomaticAttempts()).isEqualTo(10);
        assertThat(a.interval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(a.covers("AWS::S3::Bucket")).isTrue();
        assertThat(a.covers("AWS::EC2::Volume")).isFalse();
        assertThat(a.action().kind()).isEqualTo("webhook");
        assertThat(a.action().attempts()).isEqualTo(4);
        assertThat(a.action().timeout()).isEqualTo(Duration.ofSeconds(3));
        RemediationConfig.Remediation b = c.remediations().get(1);
        assertThat(b.automatic()).isFalse();
        assertThat(b.maximumAutomaticAttempts()).isEqualTo(5);
        assertThat(b.retryAttemptSeconds()).isEqualTo(60);
        assertThat(b.action().command()).containsExactly("aws", "s3api", "put-bucket-versioning");
        assertThat(b.action().workDir()).isEqualTo(DIR.resolve("ops"));
        assertThat(b.refresh().timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aMissingSecretIsAnErrorWhenTheActionIsBuilt() {
        RemediationConfig c = parse("remediations:\n  - {rule: r1, action: {command: [x], secretEnv: [NOPE]}}\n");
        assertThatThrownBy(() -> c.remediations().get(0).action().build(k -> null, l -> { }))
                .isInstanceOf(InputException.class).hasMessageContaining("environment variable NOPE");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown root key         | remediation: []                                                                 | rem.yml:1:1: error: unknown key remediation
            no list                  | version: 1                                                                      | rem.yml:1:1: error: the file has no remediations list
            unknown rule             | remediations: [{rule: r9, action: {log: true}}]                                 | rem.yml:1:23: error: no loaded rule is called r9
            unknown action name      | remediations: [{rule: r1, action: page}]                                        | rem.yml:1:35: error: no action called page
            two kinds                | remediations: [{rule: r1, action: {log: true, command: [x]}}]                   | rem.yml:1:35: error: an action needs exactly one of command, webhook or log
            attempts out of range    | remediations: [{rule: r1, action: {log: true}, maximumAutomaticAttempts: 0}]    | rem.yml:1:74: error: maximumAutomaticAttempts must be an integer from 1 to 25
            window not a number      | remediations: [{rule: r1, action: {log: true}, retryAttemptSeconds: soon}]      | rem.yml:1:69: error: retryAttemptSeconds must be an integer from 0 to 2678000
            automatic not a bool     | remediations: [{rule: r1, action: {log: true}, automatic: yes}]                 | rem.yml:1:59: error: automatic must be true or false
            bad url                  | remediations: [{rule: r1, action: {webhook: 'ftp://x'}}]                        | rem.yml:1:45: error: webhook must be an http:// or https:// URL
            missing action           | remediations: [{rule: r1}]                                                      | rem.yml:1:16: error: missing key action
            same rule twice          | remediations: [{rule: r1, action: {log: true}}, {rule: r1, action: {log: true}}] | rem.yml:1:56: error: a second remediation for r1
            refresh not a command    | remediations: [{rule: r1, action: {log: true}, refresh: {log: true}}]           | rem.yml:1:57: error: refresh must be a command
            bad yaml                 | 'remediations: [{rule: r1'                                                      | rem.yml:1:25: error: invalid YAML: expected ',' or '}', but got <stream end>
            duplicate key            | 'remediations: []\\nremediations: []'                                           | rem.yml:2:1: error: duplicate key remediations
            """)
    void mistakesPointAtTheirPlace(String name, String yaml, String headline) {
        assertThatThrownBy(() -> parse(yaml.replace("\\n", "\n"))).isInstanceOf(InputException.class)
                .satisfies(e -> assertThat(((InputException) e).first().headline()).isEqualTo(headline));
    }
}
