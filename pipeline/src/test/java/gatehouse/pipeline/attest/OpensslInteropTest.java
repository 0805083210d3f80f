package gatehouse.pipeline.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cross-checks with an independent implementation: OpenSSL verifies Gatehouse's DSSE signatures over the PAE
 * bytes, and Gatehouse verifies envelopes whose signature OpenSSL made. Skipped only when openssl is absent.
 */
class OpensslInteropTest {
    @TempDir
    Path dir;
    Path jar;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(Tools.hasOpenssl(), "openssl not installed");
        jar = Files.writeString(dir.resolve("app.jar"), "jar");
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void opensslVerifiesOurSignatures(KeyType type) throws IOException {
        var kp = Keys.generate(type);
        Signer s = Keys.signerFromPem(Keys.privatePem(kp.getPrivate()), "test");
        Tools.write(dir.resolve("k.pub"), Keys.publicPem(s.publicKey()));
        Envelope e = Attestor.attest(List.of(jar), Provenance.builder(Provenance.LOCAL_BUILDER_ID).build(), s);
        Files.write(dir.resolve("pae.bin"), Envelope.pae(e.payloadType(), e.payload()));
        Files.write(dir.resolve("sig.bin"), e.signatures().get(0).sig());
        String[] verify = type == KeyType.ED25519
                ? new String[] {"openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "k.pub", "-rawin", "-in", "pae.bin", "-sigfile", "sig.bin"}
                : new String[] {"openssl", "dgst", "-sha256", "-verify", "k.pub", "-signature", "sig.bin", "pae.bin"};
        Tools.Result ok = Tools.run(dir, verify);
        assertThat(ok.code()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("Verified");
        // and it refuses the signature over other bytes: the check above could not pass vacuously
        Files.write(dir.resolve("pae.bin"), Envelope.pae(e.payloadType(), "other".getBytes()));
        assertThat(Tools.run(dir, verify).code()).isNotZero();
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void weVerifySignaturesOpensslMade(KeyType type) throws IOException {
        String[] gen = type == KeyType.ED25519 ? new String[] {"openssl", "genpkey", "-algorithm", "ed25519", "-out", "o.key"}
                : new String[] {"openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "o.key"};
        Tools.ok(dir, gen);
        Tools.ok(dir, "openssl", "pkey", "-in", "o.key", "-pubout", "-out", "o.pub");
        Statement st = Attestor.statement(List.of(jar), Provenance.builder(Provenance.LOCAL_BUILDER_ID).build(), java.time.Clock.systemUTC());
        Files.write(dir.resolve("pae.bin"), Envelope.pae(Statement.PAYLOAD_TYPE, st.toJson()));
        if (type == KeyType.ED25519) {
            Tools.ok(dir, "openssl", "pkeyutl", "-sign", "-inkey", "o.key", "-rawin", "-in", "pae.bin", "-out", "sig.bin");
        } else {
            Tools.ok(dir, "openssl", "dgst", "-sha256", "-sign", "o.key", "-out", "sig.bin", "pae.bin");
        }
        TrustedKey trusted = Keys.publicKey(dir.resolve("o.pub"));
        Envelope e = new Envelope(Statement.PAYLOAD_TYPE, st.toJson(),
                List.of(new Envelope.Sig(trusted.keyid(), Files.readAllBytes(dir.resolve("sig.bin")))));
        Verification v = Verifier.verify(e, List.of(trusted), jar);
        assertThat(v.failures()).isEmpty();
        assertThat(v.verified()).isTrue();
        // our signer, loaded from openssl's key file, signs what openssl's public key verifies
        assertThat(Keys.signer(dir.resolve("o.key")).keyid()).isEqualTo(trusted.keyid());
    }

    @Test
    void keyidIsOpensslsDerSha256() throws IOException {
        Signer s = Keys.signerFromPem(Keys.privatePem(Keys.generate(KeyType.ECDSA_P256).getPrivate()), "test");
        Tools.write(dir.resolve("k.pub"), Keys.publicPem(s.publicKey()));
        Tools.ok(dir, "openssl", "pkey", "-pubin", "-in", "k.pub", "-outform", "DER", "-out", "k.der");
        assertThat(Digests.sha256(Files.readAllBytes(dir.resolve("k.der")))).isEqualTo(s.keyid());
    }
}
