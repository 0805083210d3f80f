package gatehouse.pipeline.attest;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.pipeline.attest.Verification.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Sign then verify, for both key types, and every way to break it: each must be caught with its own reason. */
class AttestVerifyTest {
    @TempDir
    Path dir;
    Path jar;
    Path site;
    Provenance provenance = Provenance.builder("https://ci.example.com/runners/7").externalParameter("ref", "refs/heads/main").build();

    @BeforeEach
    void artifacts() throws IOException {
        jar = Files.writeString(dir.resolve("app.jar"), "PK\u0003\u0004 pretend jar");
        site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<p>hi</p>");
        Files.writeString(Files.createDirectories(site.resolve("css")).resolve("a.css"), "p{}");
    }

    static Signer signer(KeyType type) {
        KeyPair kp = Keys.generate(type);
        return Keys.signerFromPem(Keys.privatePem(kp.getPrivate()), "test");
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void roundTripThroughTheFile(KeyType type) throws IOException {
        Signer s = signer(type);
        Envelope e = Attestor.attest(List.of(jar, site), provenance, s);
        Path f = dir.resolve("out.intoto.jsonl");
        AttestationFile.write(f, e);
        assertThat(Files.readString(f)).endsWith("}\n").doesNotContain("\n{");
        List<AttestationFile.Entry> read = AttestationFile.read(f);
        assertThat(read).singleElement().satisfies(en -> assertThat(en.envelope()).isEqualTo(e));
        Verification v = Verifier.verify(read.get(0).envelope(), List.of(s.trusted()), jar, site);
        assertThat(v.failures()).isEmpty();
        assertThat(v.verified()).isTrue();
        assertThat(v.signedBy()).extracting(TrustedKey::keyid).containsExactly(s.keyid());
        assertThat(v.matched()).extracting(m -> m.subject().name()).containsExactly("app.jar", "site/");
        assertThat(v.statement().orElseThrow().builderId()).contains("https://ci.example.com/runners/7");
        assertThat(e.signatures().get(0).keyid()).isEqualTo(s.keyid());
    }

    @Test
    void aSubsetOfTheSubjectsMayBeVerified() throws IOException {
        Signer s = signer(KeyType.ED25519);
        Verification v = Verifier.verify(Attestor.attest(List.of(jar, site), provenance, s), List.of(s.trusted()), site);
        assertThat(v.verified()).isTrue();
    }

    @Test
    void flippedPayloadByteIsASignatureMismatch() throws IOException {
        Signer s = signer(KeyType.ED25519);
        Envelope e = Attestor.attest(List.of(jar), provenance, s);
        byte[] payload = e.payload();
        int at = new String(payload, StandardCharsets.UTF_8).indexOf("\"sha256\":\"") + 10;
        payload[at] = (byte) (payload[at] == 'a' ? 'b' : 'a'); // still a valid statement: only the signature can tell
        Envelope tampered = new Envelope(e.payloadType(), payload, e.signatures());
        Verification v = Verifier.verify(tampered, List.of(s.trusted()), jar);
        assertThat(v.verified()).isFalse();
        assertThat(v.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.SIGNATURE_MISMATCH);
            assertThat(f.message()).isEqualTo("signature 1 by trusted key " + Keys.shortId(s.keyid())
                    + " does not match the payload: the payload was altered after signing, or the signature belongs to other content");
        });
        assertThat(v.statement()).isEmpty(); // nothing unauthenticated is parsed
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void swappedSignatureFromAnotherAttestationIsASignatureMismatch(KeyType type) throws IOException {
        Signer s = signer(type);
        Envelope good = Attestor.attest(List.of(jar), provenance, s);
        Envelope other = Attestor.attest(List.of(site), provenance, s);
        Envelope swapped = new Envelope(good.payloadType(), good.payload(), other.signatures());
        Verification v = Verifier.verify(swapped, List.of(s.trusted()), jar);
        assertThat(v.failures()).extracting(Verification.Failure::kind).containsExactly(Kind.SIGNATURE_MISMATCH);
    }

    @Test
    void changedSubjectFileIsADigestMismatchWithBothDigestsShort() throws IOException {
        Signer s = signer(KeyType.ECDSA_P256);
        Envelope e = Attestor.attest(List.of(jar), provenance, s);
        String before = Digests.sha256File(jar);
        Files.writeString(jar, "something else");
        String after = Digests.sha256File(jar);
        Verification v = Verifier.verify(e, List.of(s.trusted()), jar);
        assertThat(v.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.DIGEST_MISMATCH);
            assertThat(f.message()).isEqualTo(jar + ": digest mismatch: attested sha256:" + before.substring(0, 12)
                    + ", on disk sha256:" + after.substring(0, 12));
        });
    }

    @Test
    void aFileChangedInsideADirectoryOrItsModeIsADigestMismatch() throws IOException {
        Signer s = signer(KeyType.ED25519);
        Envelope e = Attestor.attest(List.of(site), provenance, s);
        Files.setPosixFilePermissions(site.resolve("index.html"), PosixFilePermissions.fromString("rwxr--r--"));
        assertThat(Verifier.verify(e, List.of(s.trusted()), site).failures()).extracting(Verification.Failure::kind)
                .containsExactly(Kind.DIGEST_MISMATCH);
        Files.setPosixFilePermissions(site.resolve("index.html"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(Verifier.verify(e, List.of(s.trusted()), site).verified()).isTrue();
        Files.writeString(site.resolve("css/extra.css"), "");
        assertThat(Verifier.verify(e, List.of(s.trusted()), site).failures()).extracting(Verification.Failure::kind)
                .containsExactly(Kind.DIGEST_MISMATCH);
    }

    @Test
    void untrustedKeyIsUnknownKey() throws IOException {
        Signer s = signer(KeyType.ED25519);
        Signer other = signer(KeyType.ED25519);
        Verification v = Verifier.verify(Attestor.attest(List.of(jar), provenance, s), List.of(other.trusted()), jar);
        assertThat(v.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.UNKNOWN_KEY);
            assertThat(f.message()).isEqualTo("signature 1 is by key " + Keys.shortId(s.keyid()) + ", which is not trusted (trusted: "
                    + Keys.shortId(other.keyid()) + ")");
        });
    }

    @Test
    void keyidIsOnlyAHint() throws IOException {
        Signer s = signer(KeyType.ECDSA_P256);
        Envelope e = Attestor.attest(List.of(jar), provenance, s);
        Envelope.Sig sig = e.signatures().get(0);
        // no keyid, or a keyid naming nothing trusted: every trusted key is tried
        for (String keyid : List.of("", "0000")) {
            Envelope relabelled = new Envelope(e.payloadType(), e.payload(), List.of(new Envelope.Sig(keyid, sig.sig())));
            assertThat(Verifier.verify(relabelled, List.of(signer(KeyType.ED25519).trusted(), s.trusted()), jar).verified()).isTrue();
        }
        // a keyid naming a trusted key does not make another key's signature valid
        Signer mallory = signer(KeyType.ECDSA_P256);
        Envelope forged = new Envelope(e.payloadType(), e.payload(),
                List.of(new Envelope.Sig(s.keyid(), mallory.sign(Envelope.pae(e.payloadType(), e.payload())))));
        assertThat(Verifier.verify(forged, List.of(s.trusted()), jar).failures()).extracting(Verification.Failure::kind)
                .containsExactly(Kind.SIGNATURE_MISMATCH);
    }

    @Test
    void oneTrustedSignatureAmongOthersSuffices() throws IOException {
        Signer s = signer(KeyType.ED25519);
        Signer other = signer(KeyType.ECDSA_P256);
        Envelope both = Attestor.attest(List.of(jar), provenance, other).addSignature(s);
        Verification v = Verifier.verify(both, List.of(s.trusted()), jar);
        assertThat(v.verified()).isTrue();
        assertThat(v.signedBy()).extracting(TrustedKey::keyid).containsExactly(s.keyid());
    }

    @ParameterizedTest
    @EnumSource(KeyType.class)
    void truncatedSignatureIsBadSignature(KeyType type) throws IOException {
        Signer s = signer(type);
        Envelope e = Attestor.attest(List.of(jar), provenance, s);
        byte[] sig = java.util.Arrays.copyOf(e.signatures().get(0).sig(), 10);
        Envelope bad = new Envelope(e.payloadType(), e.payload(), List.of(new Envelope.Sig(s.keyid(), sig)));
        assertThat(Verifier.verify(bad, List.of(s.trusted()), jar).failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Kind.BAD_SIGNATURE);
            assertThat(f.message()).startsWith("signature 1 by key " + Keys.shortId(s.keyid()) + " is not a well-formed " + type.id());
        });
    }

    @Test
    void rawEcdsaSignaturesAreAcceptedToo() throws Exception {
        Signer s = signer(KeyType.ECDSA_P256);
        Envelope e = Attestor.attest(List.of(jar), provenance, s);
        java.security.Signature p1363 = java.security.Signature.getInstance("SHA256withECDSAinP1363Format");
        KeyPair kp = Keys.generate(KeyType.ECDSA_P256);
        Signer raw = Keys.signerFromPem(Keys.privatePem(kp.getPrivate()), "raw");
        p1363.initSign(kp.getPrivate());
        p1363.update(Envelope.pae(e.payloadType(), e.payload()));
        Envelope r = new Envelope(e.payloadType(), e.payload(), List.of(new Envelope.Sig(raw.keyid(), p1363.sign())));
        assertThat(Verifier.verify(r, List.of(raw.trusted()), jar).verified()).isTrue();
    }

    @Test
    void noSignaturesWrongTypeAndBadStatementsAreNamed() throws IOException {
        Signer s = signer(KeyType.ED25519);
        Envelope e = Attestor.attest(List.of(jar), provenance, s);
        assertThat(Verifier.verify(new Envelope(e.payloadType(), e.payload(), List.of()), List.of(s.trusted()), jar).failures())
                .extracting(Verification.Failure::kind).containsExactly(Kind.NO_SIGNATURES);
        Envelope otherType = Envelope.sign("application/json", e.payload(), s);
        assertThat(Verifier.verify(otherType, List.of(s.trusted()), jar).failures()).singleElement()
                .satisfies(f -> assertThat(f.message()).isEqualTo("the payload type is application/json, not application/vnd.in-toto+json"));
        for (String[] c : new String[][] {
                {"{\"_type\":\"https://in-toto.io/Statement/v0.1\",\"subject\":[]}", "_type is https://in-toto.io/Statement/v0.1"},
                {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[]}", "has no subject"},
                {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"a\",\"digest\":{\"sha1\":\"00\"}}]}", "no sha256"},
                {"{\"_type\":\"https://in-toto.io/Statement/v1\",\"_type\":\"x\"}", "not valid JSON (Duplicate field '_type')"},
                {"[1]", "not a JSON object"}}) {
            Envelope bad = Envelope.sign(Statement.PAYLOAD_TYPE, c[0].getBytes(StandardCharsets.UTF_8), s);
            assertThat(Verifier.verify(bad, List.of(s.trusted()), jar).failures()).singleElement().satisfies(f -> {
                assertThat(f.kind()).isEqualTo(Kind.BAD_STATEMENT);
                assertThat(f.message()).startsWith("the signed payload is not a valid in-toto statement: ").contains(c[1]);
            });
        }
    }

    @Test
    void missingArtifactsUnknownSubjectsAndKindMismatches() throws IOException {
        Signer s = signer(KeyType.ED25519);
        Envelope e = Attestor.attest(List.of(jar, site), provenance, s);
        Path stranger = Files.writeString(dir.resolve("other.jar"), "x");
        Path siteAsFile = Files.writeString(Files.createDirectories(dir.resolve("elsewhere")).resolve("site"), "x");
        Verification v = Verifier.verify(e, List.of(s.trusted()), dir.resolve("gone.jar"), stranger, siteAsFile, jar);
        assertThat(v.failures()).extracting(Verification.Failure::message).containsExactly(
                dir.resolve("gone.jar") + ": no such file or directory",
                stranger + ": not a subject of the attestation (no subject named other.jar; subjects: app.jar, site/)",
                siteAsFile + ": attested as a directory (site/), but on disk it is a file");
        assertThat(v.failures()).extracting(Verification.Failure::kind)
                .containsExactly(Kind.MISSING_ARTIFACT, Kind.SUBJECT_NOT_FOUND, Kind.KIND_MISMATCH);
        assertThat(v.matched()).extracting(Verification.Match::artifact).containsExactly(jar);
        assertThat(v.verified()).isFalse();
    }

    @Test
    void duplicateSubjectNamesAndMissingArtifactsAreInputErrorsWhenAttesting() throws IOException {
        Signer s = signer(KeyType.ED25519);
        Path twin = Files.writeString(Files.createDirectories(dir.resolve("b")).resolve("app.jar"), "twin");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Attestor.attest(List.of(jar, twin), provenance, s))
                .hasMessageContaining("two artifacts are named app.jar");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Attestor.attest(List.of(dir.resolve("nope")), provenance, s))
                .hasMessageContaining("nope:1:1: error: no such artifact");
    }

    @Test
    void envelopeJsonIsTheDsseShape() throws Exception {
        Signer s = signer(KeyType.ED25519);
        Envelope e = Attestor.attest(List.of(jar), provenance, s);
        var node = Json.MAPPER.readTree(e.toJson());
        assertThat(node.fieldNames()).toIterable().containsExactly("payloadType", "payload", "signatures");
        assertThat(node.get("payloadType").asText()).isEqualTo("application/vnd.in-toto+json");
        assertThat(Base64.getDecoder().decode(node.get("payload").asText())).isEqualTo(e.payload());
        assertThat(node.get("signatures").get(0).fieldNames()).toIterable().containsExactly("keyid", "sig");
        assertThat(Base64.getDecoder().decode(node.get("signatures").get(0).get("sig").asText())).hasSize(64);
    }
}
