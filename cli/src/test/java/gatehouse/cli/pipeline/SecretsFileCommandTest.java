package gatehouse.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse secrets-file} as a real process: its key comes from the environment, as it would in CI. */
class SecretsFileCommandTest {
    static final String VALUE = "s3cr3t-Vx9q2Lm7";

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    Result gatehouse(Map<String, String> env, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "gatehouse.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("GATEHOUSE_SECRETS_KEY");
        pb.environment().remove("GATEHOUSE_SECRETS_KEY_FILE");
        pb.environment().putAll(env);
        Path err = dir.resolve("err.txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out, Files.readString(err));
    }

    @Test
    void setListRemoveWithTheKeyFromTheEnvironmentNeverPrintingAValue() throws Exception {
        Files.writeString(dir.resolve("gatehouse.yml"), """
                version: 1
                secrets: {DB: {file: db}}
                stages: [{name: s, steps: [{run: "true"}]}]
                """);
        Result keygen = gatehouse(Map.of(), "", "secrets-file", "keygen");
        assertThat(keygen.code()).isZero();
        String key = keygen.out().strip();
        Map<String, String> env = Map.of("GATEHOUSE_SECRETS_KEY", key);

        assertThat(gatehouse(Map.of(), VALUE, "secrets-file", "set", "db").err()).contains("no key: set GATEHOUSE_SECRETS_KEY");
        Result set = gatehouse(env, VALUE + "\n", "secrets-file", "set", "db");
        assertThat(set.code()).as(set.err()).isZero();
        assertThat(set.out() + set.err()).doesNotContain(VALUE);
        assertThat(Files.readString(dir.resolve(".gatehouse/secrets.enc"))).doesNotContain(VALUE);
        assertThat(gatehouse(env, "", "secrets-file", "list").out()).isEqualTo("db\n");

        Result wrong = gatehouse(Map.of("GATEHOUSE_SECRETS_KEY", gatehouse(Map.of(), "", "secrets-file", "keygen").out().strip()),
                "", "secrets-file", "list");
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.err()).contains("wrong key, or the file was altered");

        Result missing = gatehouse(env, "", "secrets-file", "remove", "nope");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("no secret nope in .gatehouse/secrets.enc");
        assertThat(gatehouse(env, "", "secrets-file", "remove", "db").code()).isZero();
        assertThat(gatehouse(env, "", "secrets-file", "list").out()).isEmpty();
    }
}
