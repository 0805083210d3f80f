package gatehouse.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One record of the audit log: who ({@code actor}) did what ({@code action}) to what ({@code subject}) with which
 * outcome ({@code result}) and when ({@code timeMs}, UTC milliseconds since the epoch), plus free-form {@code details}
 * as canonical JSON text. {@code prevHash} is the hash of the entry before ({@link #GENESIS} for seq 1) and
 * {@code hash} is {@link #computeHash} of all the rest, which is what makes the chain tamper-evident.
 *
 * <p>The hash is over a length-prefixed encoding, not over a JSON or text rendering, so that no field value (a
 * newline, a separator, a quote) can shift bytes from one field into another and yield the same hash for a
 * different entry. The exact bytes are documented in docs/audit.md for verifiers written in other languages:
 * <pre>
 *   field(s) = uint32 big-endian length of UTF-8(s) || UTF-8(s)
 *   hash     = lowercase hex SHA-256( field("gatehouse-audit-entry/1") || field(decimal seq) || field(decimal timeMs)
 *              || field(actor) || field(action) || field(subject) || field(result) || field(details) || field(prevHash) )
 * </pre>
 * The stored {@code details} text is hashed as stored; it is written in canonical form ({@link Json#canonical}) but
 * never re-canonicalised on verification.
 *
 * <p>Values are never null (a tampered NULL column is read as the empty string, and then fails the hash).
 */
public record AuditEntry(long seq, long timeMs, String actor, String action, String subject, String result,
        String details, String prevHash, String hash) {
    /** The {@code prevHash} of the first entry: 64 zeros. */
    public static final String GENESIS = "0".repeat(64);

    /** The domain tag that starts every hashed encoding; a new encoding gets a new tag. */
    public static final String TAG = "gatehouse-audit-entry/1";

    public AuditEntry {
        actor = Objects.requireNonNullElse(actor, "");
        action = Objects.requireNonNullElse(action, "");
        subject = Objects.requireNonNullElse(subject, "");
        result = Objects.requireNonNullElse(result, "");
        details = Objects.requireNonNullElse(details, "");
        prevHash = Objects.requireNonNullElse(prevHash, "");
        hash = Objects.requireNonNullElse(hash, "");
    }

    /** A new entry after one whose hash is {@code prevHash}, with its hash computed. */
    public static AuditEntry create(long seq, long timeMs, String actor, String action, String subject, String result,
            String details, String prevHash) {
        AuditEntry e = new AuditEntry(seq, timeMs, actor, action, subject, result, details, prevHash, "");
        return new AuditEntry(seq, timeMs, actor, action, subject, result, details, prevHash, e.computeHash());
    }

    /** The time as an instant (UTC). */
    public Instant time() {
        return Instant.ofEpochMilli(timeMs);
    }

    /** The hash this entry's fields give, with its own {@code seq}. */
    public String computeHash() {
        return hashAs(seq);
    }

    /** The hash these fields give if the entry had been written as {@code asSeq}: how a moved entry is recognised. */
    public String hashAs(long asSeq) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(256 + details.length());
        for (String s : new String[] {TAG, Long.toString(asSeq), Long.toString(timeMs), actor, action, subject, result,
                details, prevHash}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            buf.write(b.length >>> 24);
            buf.write(b.length >>> 16);
            buf.write(b.length >>> 8);
            buf.write(b.length);
            buf.writeBytes(b);
        }
        return HexFormat.of().formatHex(sha256(buf.toByteArray()));
    }

    /** Whether the stored hash is the hash of the stored fields. */
    public boolean selfConsistent() {
        return hash.equals(computeHash());
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
