package gatehouse.secrets.git;

import java.io.BufferedOutputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One long-lived {@code git cat-file --batch}: object ids go in on one side (from any one thread), contents
 * come out on the other in the same order. Reading and writing from different threads keeps both pipes moving.
 */
public final class CatFile implements AutoCloseable {
    private final Process process;
    private final OutputStream in;
    private final InputStream out;

    /** An object as read: its id, type ("blob", "commit", ... or "missing"), size and content (null if skipped). */
    public record GitObject(String oid, String type, long size, byte[] content) {}

    public CatFile(Git git) throws IOException {
        this.process = git.start(List.of("cat-file", "--batch"));
        this.in = new BufferedOutputStream(process.getOutputStream(), 1 << 16);
        this.out = new BufferedInputStream(process.getInputStream(), 1 << 16);
        Thread.ofVirtual().start(() -> {
            try (InputStream e = process.getErrorStream()) {
                e.transferTo(OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the process ended
            }
        });
    }

    /** Asks for one object (buffered: call {@link #flush} or {@link #finishRequests}). */
    public void request(String oid) throws IOException {
        in.write(oid.getBytes(StandardCharsets.US_ASCII));
        in.write('\n');
    }

    public void flush() throws IOException {
        in.flush();
    }

    /** No more requests: closes git's stdin so it ends after the last answer. */
    public void finishRequests() throws IOException {
        in.close();
    }

    /**
     * The next answer, or null when git has answered everything. Contents larger than {@code maxBytes} are
     * skipped over (content null) so one huge blob cannot exhaust memory.
     */
    public GitObject next(long maxBytes) throws IOException {
        String header = line();
        if (header == null) {
            return null;
        }
        String[] f = header.split(" ");
        if (f.length >= 2 && f[f.length - 1].equals("missing")) {
            return new GitObject(f[0], "missing", 0, null);
        }
        if (f.length < 3) {
            throw new IOException("unexpected cat-file answer: " + header);
        }
        long size = Long.parseLong(f[2]);
        byte[] content = null;
        if (size <= maxBytes) {
            content = new byte[(int) size];
            if (out.readNBytes(content, 0, content.length) != size) {
                throw new IOException("object " + f[0] + " truncated");
            }
        } else {
            long left = size;
            while (left > 0) {
                long k = out.skip(left);
                if (k <= 0) {
                    if (out.read() < 0) {
                        throw new IOException("object " + f[0] + " truncated");
                    }
                    k = 1;
                }
                left -= k;
            }
        }
        out.read(); // the newline after the content
        return new GitObject(f[0], f[1], size, content);
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = out.read()) >= 0 && c != '\n') {
            sb.append((char) c);
        }
        return c < 0 && sb.isEmpty() ? null : sb.toString();
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // already closed
        }
        process.destroy();
    }
}
