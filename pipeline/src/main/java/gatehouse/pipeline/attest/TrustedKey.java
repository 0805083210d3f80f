package gatehouse.pipeline.attest;

import java.security.PublicKey;
import java.util.Objects;

/**
 * A public key a verifier accepts signatures from.
 *
 * @param keyid  hex SHA-256 of the key's DER SubjectPublicKeyInfo
 * @param source where it came from (a file path), for messages
 */
public record TrustedKey(String keyid, KeyType type, PublicKey publicKey, String source) {
    public TrustedKey {
        Objects.requireNonNull(keyid, "keyid");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(source, "source");
    }

    /** The first 12 hex digits of the key id, for messages. */
    public String shortId() {
        return Keys.shortId(keyid);
    }
}
