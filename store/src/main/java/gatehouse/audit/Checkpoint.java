package gatehouse.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A signed seal over the chain up to {@code seq}: whoever holds the public key can later prove that the entry at
 * {@code seq} had hash {@code hash} when the checkpoint was made, and so that no entry up to it was changed, removed,
 * reordered or inserted, and that the log was at least that long (a truncated tail shows).
 *
 * <p>The signature is Ed25519 (RFC 8032) over the UTF-8 bytes of {@link #signedText}, base64 (RFC 4648, padded):
 * <pre>
 * gatehouse-audit-checkpoint/1\n
 * seq: 100\n
 * hash: 3f0c...(64 lowercase hex)\n
 * time: 1714557600123\n
 * key: 9a1b2c3d4e5f6071\n
 * </pre>
 * {@code key} is the signer's {@link AuditKeys#keyId key id}, so a checkpoint names the key that verifies it.
 */
public record Checkpoint(long seq, String hash, long timeMs, String keyId, String signature) {
    /** The first line of the signed text; a new text format gets a new tag. */
    public static final String TAG = "gatehouse-audit-checkpoint/1";

    public Instant time() {
        return Instant.ofEpochMilli(timeMs);
    }

    /** The exact text the signature covers. */
    public String signedText() {
        return signedText(seq, hash, timeMs, keyId);
    }

    static String signedText(long seq, String hash, long timeMs, String keyId) {
        return TAG + "\nseq: " + seq + "\nhash: " + hash + "\ntime: " + timeMs + "\nkey: " + keyId + "\n";
    }

    byte[] signedBytes() {
        return signedText().getBytes(StandardCharsets.UTF_8);
    }
}
