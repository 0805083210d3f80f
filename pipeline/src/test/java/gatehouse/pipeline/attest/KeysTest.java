package gatehouse.pipeline.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import gatehouse.core.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** PEM keys: round trips, public keys derived from private ones, key ids, and one clear error per bad key. */
class KeysTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void pemRoundTripDerivesTheSamePublicKeyAndKeyid(KeyType type) throws IOException {
        for (int i = 0; i < 5; i++) { // several keys: the derivation must not work by luck for one
            KeyPair kp = Keys.generate(type);
            Path key = Tools.write(dir.resolve("k" + i + ".key"), Keys.privatePem(kp.getPrivate()));
            Path pub = Tools.write(dir.resolve("k" + i + ".pub"), Keys.publicPem(kp.getPublic()));
            Signer s = Keys.signer(key);
            TrustedKey t = Keys.publicKey(pub);
            assertThat(s.type()).isEqualTo(type);
            assertThat(s.publicKey().getEncoded()).isEqualTo(kp.getPublic().getEncoded());
            assertThat(s.keyid()).isEqualTo(t.keyid()).isEqualTo(Digests.sha256(kp.getPublic().getEncoded())).hasSize(64);
            assertThat(t.type()).isEqualTo(type);
            byte[] msg = ("message " + i).getBytes();
            assertThat(Verifier.verifySignature(type, t.publicKey(), msg, s.sign(msg))).isTrue();
            assertThat(s.toString()).doesNotContain(Keys.privatePem(kp.getPrivate()).split("\n")[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void opensslKeysLoadAndKeyidsMatchOpensslsDer(KeyType type) throws IOException {
        assumeTrue(Tools.hasOpenssl(), "openssl not installed");
        List<String> gen = type == KeyType.ED25519 ? List.of("openssl", "genpkey", "-algorithm", "ed25519", "-out", "o.key")
                : List.of("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "o.key");
        Tools.ok(dir, gen.toArray(String[]::new));
        Tools.ok(dir, "openssl", "pkey", "-in", "o.key", "-pubout", "-out", "o.pub");
        Tools.ok(dir, "openssl", "pkey", "-in", "o.key", "-pubout", "-outform", "DER", "-out", "o.pub.der");
        String expected = Digests.sha256(Files.readAllBytes(dir.resolve("o.pub.der")));
        assertThat(Keys.signer(dir.resolve("o.key")).keyid()).isEqualTo(expected);
        assertThat(Keys.publicKey(dir.resolve("o.pub")).keyid()).isEqualTo(expected);
    }

    @Test
    void environmentSuppliesThePemOrItsPathButNotBoth() throws IOException {
        KeyPair kp = Keys.generate(KeyType.ED25519);
        String pem = Keys.privatePem(kp.getPrivate());
        Tools.write(dir.resolve("env.key"), pem);
        String keyid = Keys.keyid(kp.getPublic());
        assertThat(Keys.signerFromEnvironment(Map.of(Keys.ENV_KEY, pem), dir)).get().extracting(Signer::keyid).isEqualTo(keyid);
        assertThat(Keys.signerFromEnvironment(Map.of(Keys.ENV_KEY_FILE, "env.key"), dir)).get().extracting(Signer::keyid)
                .isEqualTo(keyid);
        assertThat(Keys.signerFromEnvironment(Map.of(), dir)).isEmpty();
        assertThat(Keys.signerFromEnvironment(Map.of(Keys.ENV_KEY, "  "), dir)).isEmpty();
        assertThatThrownBy(() -> Keys.signerFromEnvironment(Map.of(Keys.ENV_KEY, pem, Keys.ENV_KEY_FILE, "env.key"), dir))
                .isInstanceOf(InputException.class).hasMessageContaining("both");
        assertThatThrownBy(() -> Keys.signerFromEnvironment(Map.of(Keys.ENV_KEY, "-----BEGIN PUBLIC KEY-----\nAAAA\n"), dir))
                .isInstanceOf(InputException.class).hasMessageStartingWith("error: $GATEHOUSE_SIGNING_KEY: ");
    }

    static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + java.util.Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    static KeyPair jdk(String alg, String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
        if (curve != null) {
            g.initialize(new ECGenParameterSpec(curve));
        } else if (alg.equals("RSA")) {
            g.initialize(2048);
        }
        return g.generateKeyPair();
    }

    /** name, file content, whether it is read as a private key, expected message fragment. */
    static Stream<Arguments> badKeys() throws Exception {
        KeyPair rsa = jdk("RSA", null);
        KeyPair p384 = jdk("EC", "secp384r1");
        KeyPair ed448 = jdk("Ed448", null);
        KeyPair ed = Keys.generate(KeyType.ED25519);
        byte[] edDer = ed.getPrivate().getEncoded();
        byte[] corrupt = edDer.clone();
        corrupt[15] = 0x10; // the inner OCTET STRING claims 16 key bytes; Ed25519 has 32
        List<Arguments> cases = new ArrayList<>(List.of(
                Arguments.of("rsa private", pem("PRIVATE KEY", rsa.getPrivate().getEncoded()), true, "this is an RSA key"),
                Arguments.of("p384 private", pem("PRIVATE KEY", p384.getPrivate().getEncoded()), true, "ECDSA key on P-384"),
                Arguments.of("ed448 private", pem("PRIVATE KEY", ed448.getPrivate().getEncoded()), true, "an Ed448 key"),
                Arguments.of("rsa public", pem("PUBLIC KEY", rsa.getPublic().getEncoded()), false, "this is an RSA key"),
                Arguments.of("p384 public", pem("PUBLIC KEY", p384.getPublic().getEncoded()), false, "ECDSA key on P-384"),
                Arguments.of("encrypted pkcs8", pem("ENCRYPTED PRIVATE KEY", edDer), true, "the private key is encrypted"),
                Arguments.of("sec1 ec", pem("EC PRIVATE KEY", edDer), true, "SEC1"),
                Arguments.of("sec1 ec encrypted", "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n"
                        + java.util.Base64.getEncoder().encodeToString(edDer) + "\n-----END EC PRIVATE KEY-----\n", true, "encrypted"),
                Arguments.of("openssh", pem("OPENSSH PRIVATE KEY", edDer), true, "OpenSSH"),
                Arguments.of("public given to sign", pem("PUBLIC KEY", ed.getPublic().getEncoded()), true, "this is a public key"),
                Arguments.of("private given to verify", pem("PRIVATE KEY", edDer), false, "this is a private key"),
                Arguments.of("no pem", "just some text\n", true, "no PEM key found"),
                Arguments.of("empty", "", false, "no PEM key found"),
                Arguments.of("truncated", "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getEncoder().encodeToString(edDer) + "\n", true,
                        "no END line"),
                Arguments.of("bad base64", "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n", true, "not valid base64"),
                Arguments.of("not der", pem("PRIVATE KEY", "hello".getBytes()), true, "not DER PKCS#8"),
                Arguments.of("corrupt", pem("PRIVATE KEY", corrupt), true, "ed25519 private key is corrupt")));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badKeys")
    void badKeysAreOneClearErrorWithoutKeyMaterial(String name, String content, boolean asPrivate, String fragment) throws IOException {
        Path f = Tools.write(dir.resolve("bad.pem"), content);
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> {
            if (asPrivate) {
                Keys.signer(f);
            } else {
                Keys.publicKey(f);
            }
        });
        assertThat(t).isInstanceOf(InputException.class);
        InputException e = (InputException) t;
        assertThat(e.diagnostics()).hasSize(1);
        assertThat(e.first().code()).isEqualTo("attest_key_error");
        assertThat(e.first().render()).contains(f.toString() + ":").contains(fragment).contains("  hint: ");
        assertThat(e.getCause()).isNull();
        for (String line : content.split("\n")) {
            if (line.length() >= 16 && !line.startsWith("-----")) {
                assertThat(e.first().render()).doesNotContain(line).doesNotContain(line.substring(0, 16));
            }
        }
    }

    @Test
    void binaryAndMissingFilesAreInputErrors() throws IOException {
        Path der = Files.write(dir.resolve("k.der"), Keys.generate(KeyType.ED25519).getPrivate().getEncoded());
        assertThatThrownBy(() -> Keys.signer(der)).isInstanceOf(InputException.class).hasMessageContaining("binary data");
        assertThatThrownBy(() -> Keys.signer(dir.resolve("nope.key"))).isInstanceOf(InputException.class)
                .hasMessageContaining("no such private key file");
        assertThatThrownBy(() -> Keys.publicKey(dir.resolve("nope.pub"))).isInstanceOf(InputException.class)
                .hasMessageContaining("no such public key file");
    }

    @Test
    void ecParametersBeforeTheKeyAreSkippedAndCertificatesGiveTheirKey() throws Exception {
        assumeTrue(Tools.hasOpenssl(), "openssl not installed");
        Tools.ok(dir, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out", "sec1.pem");
        assertThat(Files.readString(dir.resolve("sec1.pem"))).contains("EC PARAMETERS");
        assertThatThrownBy(() -> Keys.signer(dir.resolve("sec1.pem"))).hasMessageContaining("SEC1")
                .hasMessageContaining("sec1.pem:4:1"); // the line of the key block, after the parameters
        Tools.ok(dir, "openssl", "pkcs8", "-topk8", "-nocrypt", "-in", "sec1.pem", "-out", "p8.pem");
        Signer s = Keys.signer(dir.resolve("p8.pem"));
        Tools.ok(dir, "openssl", "req", "-new", "-x509", "-key", "p8.pem", "-subj", "/CN=gatehouse-test", "-days", "1", "-out", "c.pem");
        assertThat(Keys.publicKey(dir.resolve("c.pem")).keyid()).isEqualTo(s.keyid());
        Tools.ok(dir, "openssl", "pkcs8", "-topk8", "-in", "p8.pem", "-passout", "pass:secret", "-out", "enc.pem");
        assertThatThrownBy(() -> Keys.signer(dir.resolve("enc.pem"))).hasMessageContaining("encrypted");
    }

    @Test
    void keyidIsHexOfSpkiHash() {
        KeyPair kp = Keys.generate(KeyType.ECDSA_P256);
        assertThat(Keys.keyid(kp.getPublic())).isEqualTo(HexFormat.of().formatHex(
                Digests.sha256().digest(kp.getPublic().getEncoded())));
        assertThat(Keys.shortId(Keys.keyid(kp.getPublic()))).hasSize(12);
    }
}
