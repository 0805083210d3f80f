package gatehouse.pipeline.attest;

import gatehouse.core.InputException;
import gatehouse.pipeline.attest.Verification.Failure;
import gatehouse.pipeline.attest.Verification.Kind;
import gatehouse.pipeline.attest.Verification.Match;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Checks a DSSE envelope holding an in-toto statement: signature first, then payload type, then the statement,
 * then each artifact's digest — in that order, because nothing in an unauthenticated payload may be looked at
 * (DSSE protocol: verify, then parse).
 *
 * <p>A signature counts when it verifies with a trusted key; the {@code keyid} only narrows which keys are tried
 * (DSSE: it is an unauthenticated hint), and when it names no trusted key every trusted key is tried. One trusted
 * signature suffices (a (1, n) threshold); other signatures are then ignored. Ed25519 signatures must be 64 bytes;
 * ECDSA signatures may be DER or raw 64-byte {@code r || s}.
 *
 * <p>Artifacts are matched to subjects by name ({@link Subject#nameOf}); subjects not given as artifacts are not
 * checked, so one may verify a subset. Stateless and thread-safe.
 */
public final class Verifier {
    private static final int LIST_LIMIT = 5;

    private Verifier() {}

    /**
     * Verifies the envelope with the trusted keys, and each artifact against the statement's subjects.
     *
     * @param trusted at least one key
     * @throws IllegalArgumentException when no trusted key is given (a caller's error, not a verification result)
     */
    public static Verification verify(Envelope envelope, List<TrustedKey> trusted, Path... artifacts) {
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("at least one trusted key is needed");
        }
        List<Failure> failures = new ArrayList<>();
        if (envelope.signatures().isEmpty()) {
            return new Verification(List.of(new Failure(Kind.NO_SIGNATURES, "the envelope has no signatures")), List.of(),
                    Optional.empty(), List.of());
        }
        byte[] pae = Envelope.pae(envelope.payloadType(), envelope.payload());
        List<TrustedKey> signedBy = new ArrayList<>();
        List<Failure> signatureFailures = new ArrayList<>();
        List<Envelope.Sig> sigs = envelope.signatures();
        for (int i = 0; i < sigs.size(); i++) {
            Envelope.Sig sig = sigs.get(i);
            List<TrustedKey> named = trusted.stream().filter(k -> k.keyid().equalsIgnoreCase(sig.keyid())).toList();
            List<TrustedKey> candidates = named.isEmpty() ? trusted : named;
            TrustedKey ok = null;
            boolean malformed = false;
            for (TrustedKey k : candidates) {
                Check c = check(k, pae, sig.sig());
                if (c == Check.VALID) {
                    ok = k;
                    break;
                }
                malformed |= c == Check.MALFORMED;
            }
            if (ok != null) {
                if (!signedBy.contains(ok)) {
                    signedBy.add(ok);
                }
                continue;
            }
            String which = "signature " + (i + 1);
            if (named.isEmpty()) {
                String from = sig.keyid().isEmpty() ? which + " (without keyid) verifies with none of the trusted keys"
                        : which + " is by key " + Keys.shortId(sig.keyid()) + ", which is not trusted";
                signatureFailures.add(new Failure(Kind.UNKNOWN_KEY, from + " (trusted: " + describe(trusted) + ")"));
            } else if (malformed) {
                TrustedKey k = named.get(0);
                signatureFailures.add(new Failure(Kind.BAD_SIGNATURE, which + " by key " + k.shortId() + " is not a well-formed "
                        + k.type().id() + " signature (" + sig.sig().length + " bytes"
                        + (k.type() == KeyType.ED25519 ? "; Ed25519 signatures are 64)" : "; neither DER nor 64-byte r||s)")));
            } else {
                signatureFailures.add(new Failure(Kind.SIGNATURE_MISMATCH, which + " by trusted key " + named.get(0).shortId()
                        + " does not match the payload: the payload was altered after signing, or the signature belongs to other content"));
            }
        }
        if (signedBy.isEmpty()) {
            return new Verification(signatureFailures, List.of(), Optional.empty(), List.of());
        }
        if (!envelope.payloadType().equals(Statement.PAYLOAD_TYPE)) {
            failures.add(new Failure(Kind.WRONG_PAYLOAD_TYPE, "the payload type is " + envelope.payloadType() + ", not "
                    + Statement.PAYLOAD_TYPE));
            return new Verification(failures, signedBy, Optional.empty(), List.of());
        }
        Statement statement;
        try {
            statement = Statement.parse(envelope.payload());
        } catch (FormatException e) {
            failures.add(new Failure(Kind.BAD_STATEMENT, "the signed payload is not a valid in-toto statement: " + e.getMessage()));
            return new Verification(failures, signedBy, Optional.empty(), List.of());
        }
        List<Match> matched = new ArrayList<>();
        for (Path artifact : artifacts) {
            checkArtifact(artifact, statement, failures, matched);
        }
        return new Verification(failures, signedBy, Optional.of(statement), matched);
    }

    private static void checkArtifact(Path artifact, Statement statement, List<Failure> failures, List<Match> matched) {
        String shown = artifact.toString();
        if (!Files.exists(artifact)) {
            failures.add(new Failure(Kind.MISSING_ARTIFACT, shown + ": no such file or directory"));
            return;
        }
        String name = Subject.nameOf(artifact);
        Optional<Subject> subject = find(statement, name);
        if (subject.isEmpty()) {
            String other = name.endsWith("/") ? name.substring(0, name.length() - 1) : name + "/";
            if (find(statement, other).isPresent()) {
                failures.add(new Failure(Kind.KIND_MISMATCH, shown + ": attested as " + (other.endsWith("/") ? "a directory" : "a file")
                        + " (" + other + "), but on disk it is " + (name.endsWith("/") ? "a directory" : "a file")));
            } else {
                failures.add(new Failure(Kind.SUBJECT_NOT_FOUND, shown + ": not a subject of the attestation (no subject named "
                        + name + "; subjects: " + subjects(statement) + ")"));
            }
            return;
        }
        String actual;
        try {
            actual = Digests.sha256Of(artifact);
        } catch (IOException e) {
            failures.add(new Failure(Kind.UNREADABLE_ARTIFACT, shown + ": cannot be read (" + e.getClass().getSimpleName() + ")"));
            return;
        } catch (InputException e) {
            failures.add(new Failure(Kind.UNREADABLE_ARTIFACT, shown + ": cannot be hashed: " + e.first().message()));
            return;
        }
        if (!actual.equals(subject.get().sha256())) {
            failures.add(new Failure(Kind.DIGEST_MISMATCH, shown + ": digest mismatch: attested " + subject.get().shortDigest()
                    + ", on disk " + Subject.shortDigest(actual)));
            return;
        }
        matched.add(new Match(artifact, subject.get()));
    }

    private static Optional<Subject> find(Statement statement, String name) {
        return statement.subjects().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    private static String subjects(Statement statement) {
        List<Subject> all = statement.subjects();
        String shown = all.stream().limit(LIST_LIMIT).map(Subject::name).collect(Collectors.joining(", "));
        return all.size() > LIST_LIMIT ? shown + " and " + (all.size() - LIST_LIMIT) + " more" : shown;
    }

    private static String describe(List<TrustedKey> keys) {
        String shown = keys.stream().limit(LIST_LIMIT).map(TrustedKey::shortId).collect(Collectors.joining(", "));
        return keys.size() > LIST_LIMIT ? shown + " and " + (keys.size() - LIST_LIMIT) + " more" : shown;
    }

    private enum Check { VALID, INVALID, MALFORMED }

    private static Check check(TrustedKey key, byte[] pae, byte[] sig) {
        if (key.type() == KeyType.ED25519) {
            if (sig.length != 64) {
                return Check.MALFORMED;
            }
            return verifyWith("Ed25519", key.publicKey(), pae, sig);
        }
        Check der = verifyWith("SHA256withECDSA", key.publicKey(), pae, sig);
        if (der == Check.MALFORMED && sig.length == 64) {
            return verifyWith("SHA256withECDSAinP1363Format", key.publicKey(), pae, sig);
        }
        return der;
    }

    /** Verifies a signature over a message with a public key; public for the DSSE test vector and interop checks. */
    public static boolean verifySignature(KeyType type, PublicKey key, byte[] message, byte[] sig) {
        return check(new TrustedKey(Keys.keyid(key), type, key, "caller"), message, sig) == Check.VALID;
    }

    private static Check verifyWith(String algorithm, PublicKey key, byte[] message, byte[] sig) {
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initVerify(key);
            s.update(message);
            return s.verify(sig) ? Check.VALID : Check.INVALID;
        } catch (SignatureException e) {
            return Check.MALFORMED;
        } catch (InvalidKeyException e) {
            return Check.INVALID; // a key of the other scheme: this key did not make the signature
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + algorithm, e);
        }
    }
}
