package gatehouse.pipeline.attest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One attested artifact: its name and the SHA-256 of its content (see {@link Digests}).
 *
 * <p>The name is the artifact's file name, so an attestation made in one checkout verifies in another whatever
 * the directory layout; a directory's name ends with {@code /}, which tells a verifier that the digest is over
 * the directory manifest and not over bytes.
 *
 * @param name   the file name, {@code /}-terminated for a directory
 * @param sha256 64 lowercase hex digits
 */
public record Subject(String name, String sha256) {
    static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public Subject {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.equals("/")) {
            throw new IllegalArgumentException("empty subject name");
        }
        if (!HEX64.matcher(Objects.requireNonNull(sha256, "sha256")).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits");
        }
    }

    /** Hashes an artifact on disk (a file or a directory) and names it. */
    public static Subject of(Path artifact) throws IOException {
        return new Subject(nameOf(artifact), Digests.sha256Of(artifact));
    }

    /** The subject name an artifact on disk goes by: its file name, with {@code /} appended for a directory. */
    public static String nameOf(Path artifact) {
        Path name = artifact.toAbsolutePath().normalize().getFileName();
        String base = name == null ? "root" : name.toString();
        return Files.isDirectory(artifact) ? base + "/" : base;
    }

    /** Whether the digest is over a directory manifest. */
    public boolean isDirectory() {
        return name.endsWith("/");
    }

    /** {@code sha256:} and the first 12 hex digits, for messages. */
    public String shortDigest() {
        return shortDigest(sha256);
    }

    static String shortDigest(String hex) {
        return "sha256:" + hex.substring(0, Math.min(12, hex.length()));
    }
}
