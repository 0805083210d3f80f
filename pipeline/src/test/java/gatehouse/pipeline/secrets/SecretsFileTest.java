package gatehouse.pipeline.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gatehouse.pipeline.model.PipelineLoader;
import gatehouse.pipeline.run.RunRecord;
import gatehouse.pipeline.run.RunStore;
import gatehouse.pipeline.run.Runner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsFileTest {
    static final String VALUE = "pg-pa55w0rd-7f3e9a1c";

    @TempDir
    Path dir;

    @Test
    void roundTripWithoutTheValueInTheFileAndTamperingRefused() throws IOException {
        byte[] key = SecretsFile.key(Map.of(SecretsFile.ENV_KEY, SecretsFile.newKey()));
        Path f = dir.resolve("secrets.enc");
        SecretsFile.write(f, key, Map.of("db", VALUE, "token", "t0k3n-abcdef"));
        assertThat(Files.readString(f)).doesNotContain(VALUE).contains(SecretsFile.FORMAT);
        assertThat(SecretsFile.read(f, key)).containsEntry("db", VALUE).hasSize(2);

        byte[] other = SecretsFile.key(Map.of(SecretsFile.ENV_KEY, SecretsFile.newKey()));
        assertThatThrownBy(() -> SecretsFile.read(f, other)).hasMessageEndingWith("wrong key, or the file was altered (authentication failed)");
        String text = Files.readString(f);
        String ct = text.replaceAll("(?s).*\"ciphertext\" : \"([^\"]+)\".*", "$1");
        byte[] raw = Base64.getDecoder().decode(ct);
        raw[0] ^= 1;
        Files.writeString(f, text.replace(ct, Base64.getEncoder().encodeToString(raw)));
        assertThatThrownBy(() -> SecretsFile.read(f, key)).hasMessageContaining("authentication failed");
        assertThatThrownBy(() -> SecretsFile.key(Map.of(SecretsFile.ENV_KEY, "c2hvcnQ="))).hasMessageContaining("must be 32 bytes");
    }

    @Test
    void aStepGetsAFileSecretMaskedAndNoStepSeesTheKeys() throws IOException {
        String key = SecretsFile.newKey();
        SecretsFile.write(dir.resolve(".gatehouse/secrets.enc"), Base64.getDecoder().decode(key), Map.of("db_password", VALUE));
        Files.writeString(dir.resolve("gatehouse.yml"), """
                version: 1
                secrets: {DB_PASSWORD: {file: db_password}}
                stages:
                  - name: s
                    steps:
                      - run: echo "db [$DB_PASSWORD] key [$GATEHOUSE_SECRETS_KEY] signer [$GATEHOUSE_SIGNING_KEY]"
                        secrets: [DB_PASSWORD]
                """);
        Runner r = new Runner(PipelineLoader.load(dir.resolve("gatehouse.yml")), new RunStore(dir.resolve(".gatehouse/runs")),
                (a, b, c, d, e) -> { }, Map.of("PATH", System.getenv("PATH"), SecretsFile.ENV_KEY, key,
                        "GATEHOUSE_SIGNING_KEY", "-----BEGIN PRIVATE KEY-----"), Clock.systemUTC(), line -> { });
        RunRecord run = r.run(null);
        assertThat(run.status).as(run.reason).isEqualTo(RunRecord.PASSED);
        Path runDir = dir.resolve(".gatehouse/runs").resolve(run.id);
        assertThat(runDir.resolve("s/run.log")).hasContent("db [***] key [] signer []");
        try (Stream<Path> files = Files.walk(runDir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(p, StandardCharsets.ISO_8859_1)).doesNotContain(VALUE).doesNotContain(key);
            }
        }
        Runner noKey = new Runner(PipelineLoader.load(dir.resolve("gatehouse.yml")), new RunStore(dir.resolve(".gatehouse/runs")),
                (a, b, c, d, e) -> { }, Map.of("PATH", System.getenv("PATH")), Clock.systemUTC(), line -> { });
        assertThat(noKey.run(null).reason).isEqualTo("s/run failed: secret DB_PASSWORD has no value: no key for "
                + ".gatehouse/secrets.enc: set GATEHOUSE_SECRETS_KEY or GATEHOUSE_SECRETS_KEY_FILE");
    }
}
