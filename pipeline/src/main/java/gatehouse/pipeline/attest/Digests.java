package gatehouse.pipeline.attest;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * SHA-256 digests of artifacts: of a file's bytes, and of a directory through a manifest.
 *
 * <p>A directory's digest is the SHA-256 of its <em>manifest</em>, a text with one line per entry below it:
 * <pre>{@code MODE SP SHA256HEX SP RELATIVE_PATH LF}</pre>
 * where {@code MODE} is {@code 100644} for a regular file, {@code 100755} for a regular file whose owner may
 * execute it, {@code 120000} for a symbolic link (git's tree modes); {@code SHA256HEX} is the lowercase hex
 * SHA-256 of the file's bytes, or for a link of its target as written (UTF-8, not followed, not resolved);
 * {@code RELATIVE_PATH} uses {@code /} separators and is relative to the directory. Lines are sorted by the
 * UTF-8 bytes of the path (what {@code LC_ALL=C sort} does). Directories themselves are not listed, so empty
 * directories do not count (as in git). A name holding a line feed or carriage return, or a special file
 * (FIFO, socket, device), makes the directory un-hashable: an {@link InputException}, never a silent skip.
 * The artifact path itself is followed if it is a link (it was named explicitly).
 */
public final class Digests {
    /** File mode of a regular, non-executable file in the manifest. */
    public static final String MODE_FILE = "100644";
    /** File mode of a regular file its owner may execute. */
    public static final String MODE_EXECUTABLE = "100755";
    /** File mode of a symbolic link; its digest is over the link target text. */
    public static final String MODE_LINK = "120000";

    private Digests() {}

    /** Lowercase hex SHA-256 of the file's bytes (links followed). */
    public static String sha256File(Path file) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Lowercase hex SHA-256 of bytes. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /** The digest of a file (its bytes) or of a directory (its manifest). */
    public static String sha256Of(Path artifact) throws IOException {
        return Files.isDirectory(artifact) ? sha256(manifest(artifact).getBytes(StandardCharsets.UTF_8)) : sha256File(artifact);
    }

    /**
     * The manifest of a directory (see the class comment), the exact text whose SHA-256 is the directory's digest.
     *
     * @throws InputException on a special file or a name with a line break
     * @throws NoSuchFileException when the directory does not exist
     */
    public static String manifest(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a directory");
        }
        record Entry(byte[] path, String line) {}
        List<Entry> entries = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) throws IOException {
                String rel = relative(dir, p);
                if (rel.indexOf('\n') >= 0 || rel.indexOf('\r') >= 0) {
                    throw problem(p, "a file name holds a line break, which the directory manifest cannot record",
                            "rename the file");
                }
                String line;
                if (attrs.isSymbolicLink()) {
                    String target = Files.readSymbolicLink(p).toString();
                    line = MODE_LINK + " " + sha256(target.getBytes(StandardCharsets.UTF_8)) + " " + rel;
                } else if (attrs.isRegularFile()) {
                    line = (executable(p) ? MODE_EXECUTABLE : MODE_FILE) + " " + sha256File(p) + " " + rel;
                } else {
                    throw problem(p, "a special file (FIFO, socket or device) cannot be part of an artifact",
                            "remove it from the directory, or attest the files one by one");
                }
                entries.add(new Entry(rel.getBytes(StandardCharsets.UTF_8), line));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
                throw e;
            }
        });
        entries.sort((a, b) -> Arrays.compareUnsigned(a.path(), b.path()));
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            sb.append(e.line()).append('\n');
        }
        return sb.toString();
    }

    private static String relative(Path dir, Path p) {
        StringBuilder sb = new StringBuilder();
        for (Path part : dir.relativize(p)) {
            if (!sb.isEmpty()) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    private static boolean executable(Path p) throws IOException {
        try {
            return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (UnsupportedOperationException notPosix) {
            return Files.isExecutable(p);
        }
    }

    private static InputException problem(Path p, String message, String hint) {
        return new InputException(Diagnostic.of("attest_artifact_error", SourceSpan.at(p.toString(), 1, 1), message, hint));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
