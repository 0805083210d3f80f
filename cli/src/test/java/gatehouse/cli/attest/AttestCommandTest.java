package gatehouse.cli.attest;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.cli.Cli;
import gatehouse.cli.ExitCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code gatehouse keygen}, {@code attest} and {@code verify} end to end on real files: exit codes, messages, and
 * that no output of any run (including every error) holds key material.
 */
class AttestCommandTest {
    @TempDir
    Path dir;
    Path jar;
    Path site;
    /** Everything every run printed, checked for key material after each test. */
    final StringBuilder allOutput = new StringBuilder();

    record Run(int code, String out, String err) {}

    Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), dir);
        Run r = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        allOutput.append(r.out()).append(r.err());
        return r;
    }

    @BeforeEach
    void artifacts() throws IOException {
        Files.createDirectories(dir.resolve("build"));
        jar = Files.writeString(dir.resolve("build/app.jar"), "jar bytes");
        site = Files.createDirectories(dir.resolve("build/site"));
        Files.writeString(site.resolve("index.html"), "<p>hi</p>");
    }

    /** The base64 body lines of every private key in the directory, and the raw private key bytes in hex. */
    List<String> keyMaterial() throws IOException {
        List<String> secrets = new ArrayList<>();
        try (var files = Files.walk(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".key")).toList()) {
                String pem = Files.readString(p);
                for (String line : pem.split("\n")) {
                    if (!line.startsWith("-----") && line.length() >= 16) {
                        secrets.add(line);
                        secrets.add(line.substring(0, 16));
                    }
                }
                String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
                if (b64.length() >= 64) { // a real key, not a deliberately broken fixture
                    byte[] der = Base64.getDecoder().decode(b64);
                    // the last 32 bytes of an Ed25519 PKCS#8 are the seed; for EC the scalar sits inside: check both ends
                    secrets.add(java.util.HexFormat.of().formatHex(der, der.length - 32, der.length));
                }
            }
        }
        return secrets;
    }

    @AfterEach
    void noKeyMaterialInAnyOutput() throws IOException {
        for (String secret : keyMaterial()) {
            assertThat(allOutput.toString()).doesNotContain(secret);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa-p256"})
    void keygenAttestVerify(String type) throws IOException {
        Run k = cli("keygen", "--type", type, "-o", "release");
        assertThat(k.code()).as(k.err()).isEqualTo(ExitCode.OK.code);
        assertThat(k.out()).contains("release.key (private, " + type + ", mode 0600)").containsPattern("keyid [0-9a-f]{64}");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("release.key")))).isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve("release.key"))).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readString(dir.resolve("release.pub"))).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(keyMaterial()).hasSizeGreaterThanOrEqualTo(3); // the output check after each test has something to look for

        Run a = cli("attest", "--key", "release.key", "--builder-id", "https://ci.example.com/r/1", "--param", "ref=main",
                "-o", "app.intoto.jsonl", "build/app.jar", "build/site");
        assertThat(a.code()).as(a.err()).isEqualTo(ExitCode.OK.code);
        assertThat(a.out()).containsPattern("sha256:[0-9a-f]{64}  app.jar\n").containsPattern("sha256:[0-9a-f]{64}  site/\n")
                .contains("signed 2 subjects with " + type + " key").contains("wrote app.intoto.jsonl");
        String line = Files.readString(dir.resolve("app.intoto.jsonl"));
        assertThat(line).startsWith("{\"payloadType\":\"application/vnd.in-toto+json\",\"payload\":\"").endsWith("}\n");
        assertThat(line.strip()).doesNotContain("\n");

        Run v = cli("verify", "--attestation", "app.intoto.jsonl", "--public-key", "release.pub", "build/app.jar", "build/site");
        assertThat(v.code()).as(v.err()).isEqualTo(ExitCode.OK.code);
        assertThat(v.out()).contains("verified app.jar  sha256:").contains("verified site/  sha256:")
                .contains("builder https://ci.example.com/r/1").contains("predicate https://slsa.dev/provenance/v1");
    }

    void signed() throws IOException {
        assertThat(cli("keygen", "-o", "k").code()).isZero();
        assertThat(cli("attest", "--key", "k.key", "-o", "a.intoto.jsonl", "build/app.jar").code()).isZero();
    }

    @Test
    void changedArtifactFailsWithExitOneAndBothShortDigests() throws IOException {
        signed();
        Files.writeString(jar, "changed");
        Run v = cli("verify", "--attestation", "a.intoto.jsonl", "--public-key", "k.pub", "build/app.jar");
        assertThat(v.code()).isEqualTo(ExitCode.GATE_FAILED.code);
        assertThat(v.err()).matches("(?s)a\\.intoto\\.jsonl:1: verification failed: build/app\\.jar: digest mismatch: attested "
                + "sha256:[0-9a-f]{12}, on disk sha256:[0-9a-f]{12}\ngatehouse: verify: FAILED \\(1 problem\\)\n");
    }

    @Test
    void tamperedPayloadFailsWithExitOne() throws IOException {
        signed();
        Path f = dir.resolve("a.intoto.jsonl");
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(f));
        String payload = new String(Base64.getDecoder().decode(node.get("payload").asText()), StandardCharsets.UTF_8);
        String forged = payload.replace("app.jar", "app.JAR");
        Files.writeString(f, Files.readString(f).replace(node.get("payload").asText(),
                Base64.getEncoder().encodeToString(forged.getBytes(StandardCharsets.UTF_8))));
        Run v = cli("verify", "--attestation", "a.intoto.jsonl", "--public-key", "k.pub", "build/app.jar");
        assertThat(v.code()).isEqualTo(ExitCode.GATE_FAILED.code);
        assertThat(v.err()).contains("does not match the payload: the payload was altered after signing");
    }

    @Test
    void untrustedKeyFailsWithExitOne() throws IOException {
        signed();
        assertThat(cli("keygen", "--type", "ecdsa-p256", "-o", "other").code()).isZero();
        Run v = cli("verify", "--attestation", "a.intoto.jsonl", "--public-key", "other.pub", "build/app.jar");
        assertThat(v.code()).isEqualTo(ExitCode.GATE_FAILED.code);
        assertThat(v.err()).contains("which is not trusted (trusted: ");
        // trusting both keys: any one suffices
        assertThat(cli("verify", "--attestation", "a.intoto.jsonl", "--public-key", "other.pub", "--public-key", "k.pub",
                "build/app.jar").code()).isZero();
    }

    @Test
    void artifactThatIsNoSubjectFailsWithExitOne() throws IOException {
        signed();
        Run v = cli("verify", "--attestation", "a.intoto.jsonl", "--public-key", "k.pub", "build/site");
        assertThat(v.code()).isEqualTo(ExitCode.GATE_FAILED.code);
        assertThat(v.err()).contains("build/site: not a subject of the attestation (no subject named site/; subjects: app.jar)");
    }

    @Test
    void inputErrorsExitTwoWithoutStackTraces() throws IOException {
        signed();
        Files.writeString(dir.resolve("broken.jsonl"), "{\"payloadType\": \"x\",\n \"payload\": }\n");
        Files.writeString(dir.resolve("encrypted.key"), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkq\n-----END ENCRYPTED PRIVATE KEY-----\n");
        String[][] cases = {
                {"broken.jsonl:2:13: error: invalid JSON", "verify", "--attestation", "broken.jsonl", "--public-key", "k.pub", "build/app.jar"},
                {"nope.jsonl:1:1: error: no such attestation file", "verify", "--attestation", "nope.jsonl", "--public-key", "k.pub", "build/app.jar"},
                {"no such public key file", "verify", "--attestation", "a.intoto.jsonl", "--public-key", "none.pub", "build/app.jar"},
                {"this is a private key; verifying needs only the public key", "verify", "--attestation", "a.intoto.jsonl", "--public-key", "k.key", "build/app.jar"},
                {"build/gone.jar:1:1: error: no such artifact", "verify", "--attestation", "a.intoto.jsonl", "--public-key", "k.pub", "build/gone.jar"},
                {"Missing required option: '--public-key=FILE'", "verify", "--attestation", "a.intoto.jsonl", "build/app.jar"},
                {"encrypted.key:1:1: error: the private key is encrypted", "attest", "--key", "encrypted.key", "-o", "x.jsonl", "build/app.jar"},
                {"this is a public key; signing needs the private key", "attest", "--key", "k.pub", "-o", "x.jsonl", "build/app.jar"},
                {"build/gone.jar:1:1: error: no such artifact", "attest", "--key", "k.key", "-o", "x.jsonl", "build/gone.jar"},
                {"--param ref is not KEY=VALUE", "attest", "--key", "k.key", "--param", "ref", "-o", "x.jsonl", "build/app.jar"},
                {"--builder-id laptop is not an absolute URI", "attest", "--key", "k.key", "--builder-id", "laptop", "-o", "x.jsonl", "build/app.jar"},
                {"--started-on yesterday is not an RFC 3339 time", "attest", "--key", "k.key", "--started-on", "yesterday", "-o", "x.jsonl", "build/app.jar"},
                {"k.key:1:1: error: already exists", "keygen", "-o", "k"},
                {"unknown key type rsa", "keygen", "--type", "rsa", "-o", "r"},
        };
        for (String[] c : cases) {
            Run r = cli(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertThat(r.code()).as(String.join(" ", c)).isEqualTo(ExitCode.INPUT_ERROR.code);
            assertThat(r.err()).as(String.join(" ", c)).contains(c[0]).contains("hint: ").doesNotContain("\tat ").doesNotContain("Exception");
        }
        assertThat(Files.exists(dir.resolve("x.jsonl"))).isFalse();
    }

    @Test
    void attestToStdoutKeepsTheReportOnStderr() throws IOException {
        assertThat(cli("keygen", "-o", "k").code()).isZero();
        Run a = cli("attest", "--key", "k.key", "-o", "-", "build/app.jar");
        assertThat(a.code()).isZero();
        assertThat(a.out()).startsWith("{\"payloadType\"").endsWith("}\n").hasLineCount(1);
        assertThat(a.err()).contains("  app.jar");
        Files.writeString(dir.resolve("piped.jsonl"), a.out());
        assertThat(cli("verify", "--attestation", "piped.jsonl", "--public-key", "k.pub", "build/app.jar").code()).isZero();
    }

    @Test
    void keygenForceReplacesAndStripsAnExtension() throws IOException {
        assertThat(cli("keygen", "-o", "k").code()).isZero();
        String before = Files.readString(dir.resolve("k.pub"));
        assertThat(cli("keygen", "--force", "-o", "k.key").code()).isZero();
        assertThat(Files.readString(dir.resolve("k.pub"))).isNotEqualTo(before);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("k.key")))).isEqualTo("rw-------");
        assertThat(Files.exists(dir.resolve("k.key.key"))).isFalse();
    }

    /** The environment can only be set for a new process: run the real CLI main in a child JVM. */
    @Test
    void signingKeyFromTheEnvironment() throws Exception {
        assertThat(cli("keygen", "-o", "env").code()).isZero();
        String pem = Files.readString(dir.resolve("env.key"));
        Run byValue = child(Map.of("GATEHOUSE_SIGNING_KEY", pem), "attest", "-o", "e1.jsonl", "build/app.jar");
        assertThat(byValue.code()).as(byValue.err()).isZero();
        Run byFile = child(Map.of("GATEHOUSE_SIGNING_KEY_FILE", "env.key"), "attest", "-o", "e2.jsonl", "build/app.jar");
        assertThat(byFile.code()).as(byFile.err()).isZero();
        for (String f : List.of("e1.jsonl", "e2.jsonl")) {
            assertThat(cli("verify", "--attestation", f, "--public-key", "env.pub", "build/app.jar").code()).isZero();
        }
        Run both = child(Map.of("GATEHOUSE_SIGNING_KEY", pem, "GATEHOUSE_SIGNING_KEY_FILE", "env.key"), "attest", "-o", "e3.jsonl",
                "build/app.jar");
        assertThat(both.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(both.err()).contains("both GATEHOUSE_SIGNING_KEY and GATEHOUSE_SIGNING_KEY_FILE are set");
        Run none = child(Map.of(), "attest", "-o", "e4.jsonl", "build/app.jar");
        assertThat(none.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(none.err()).contains("no signing key: give --key FILE, or set GATEHOUSE_SIGNING_KEY_FILE or GATEHOUSE_SIGNING_KEY");
        Run garbage = child(Map.of("GATEHOUSE_SIGNING_KEY", pem.substring(0, pem.length() / 2)), "attest", "-o", "e5.jsonl", "build/app.jar");
        assertThat(garbage.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(garbage.err()).startsWith("error: $GATEHOUSE_SIGNING_KEY: the PRIVATE KEY block has no END line");
    }

    Run child(Map<String, String> env, String... args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), "gatehouse.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("GATEHOUSE_SIGNING_KEY");
        pb.environment().remove("GATEHOUSE_SIGNING_KEY_FILE");
        pb.environment().putAll(env);
        File errFile = dir.resolve("child.err").toFile();
        pb.redirectError(errFile);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(errFile.toPath());
        allOutput.append(out).append(err);
        return new Run(p.exitValue(), out, err);
    }
}
