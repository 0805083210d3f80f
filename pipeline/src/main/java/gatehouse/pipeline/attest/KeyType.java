package gatehouse.pipeline.attest;

/**
 * The signature schemes Gatehouse signs and verifies with, all from the JDK's SunEC provider.
 *
 * <p>ECDSA signatures are written in ASN.1 DER ({@code SEQUENCE { r INTEGER, s INTEGER }}), as cosign and
 * in-toto-golang write them; when verifying, a 64-byte raw {@code r || s} signature (IEEE P1363, as in the DSSE
 * specification's own test vector) is accepted too.
 */
public enum KeyType {
    /** Ed25519 (RFC 8032), 64-byte signatures. */
    ED25519("ed25519", "Ed25519", "Ed25519"),
    /** ECDSA on NIST P-256 (secp256r1) with SHA-256, DER signatures. */
    ECDSA_P256("ecdsa-p256", "EC", "SHA256withECDSA");

    private final String id;
    final String keyAlgorithm;
    final String signatureAlgorithm;

    KeyType(String id, String keyAlgorithm, String signatureAlgorithm) {
        this.id = id;
        this.keyAlgorithm = keyAlgorithm;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** The name used on the command line and in messages: {@code ed25519} or {@code ecdsa-p256}. */
    public String id() {
        return id;
    }

    /** The type named {@code id} ({@code ed25519}, {@code ecdsa-p256}), case-insensitive. */
    public static KeyType parse(String id) {
        for (KeyType t : values()) {
            if (t.id.equalsIgnoreCase(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown key type " + id + " (ed25519 or ecdsa-p256)");
    }
}
