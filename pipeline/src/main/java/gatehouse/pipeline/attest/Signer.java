package gatehouse.pipeline.attest;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Objects;

/**
 * A private key ready to sign DSSE envelopes, with its public half and key id. Obtain one from {@link Keys}.
 *
 * <p>{@link #toString()} names the scheme and key id only: a signer may be logged, its key never is.
 * Thread-safe (a fresh {@link Signature} per call).
 */
public final class Signer {
    private final KeyType type;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyid;

    Signer(KeyType type, PrivateKey privateKey, PublicKey publicKey) {
        this.type = Objects.requireNonNull(type, "type");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
        this.keyid = Keys.keyid(publicKey);
    }

    public KeyType type() {
        return type;
    }

    /** The public half, to hand to verifiers. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** Hex SHA-256 of the public key's DER SubjectPublicKeyInfo (see {@link Keys#keyid}). */
    public String keyid() {
        return keyid;
    }

    /** The public key as a verifier trusts it. */
    public TrustedKey trusted() {
        return new TrustedKey(keyid, type, publicKey, "signer");
    }

    /** Signs bytes (for DSSE: the PAE) with Ed25519, or ECDSA P-256/SHA-256 in DER. */
    public byte[] sign(byte[] message) {
        try {
            Signature s = Signature.getInstance(type.signatureAlgorithm);
            s.initSign(privateKey);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            // the key was checked when loaded, so this is a JDK fault; the message names no key material
            throw new IllegalStateException("signing with " + type.id() + " failed: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public String toString() {
        return "Signer[" + type.id() + ", keyid=" + keyid + "]";
    }
}
