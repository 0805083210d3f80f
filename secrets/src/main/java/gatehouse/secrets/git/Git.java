package gatehouse.secrets.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code git} executable in a repository. Gatehouse reads history through git itself (plumbing
 * commands with NUL-separated output), so every repository format, pack and hook git supports works.
 */
public final class Git {
    private final Path dir;

    public Git(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** A started git process; its stdout is for the caller to read, its stderr is collected. */
    public Process start(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.add("-c");
        cmd.add("core.quotepath=off");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        pb.environment().remove("GIT_DIR");
        pb.environment().remove("GIT_WORK_TREE");
        pb.redirectError(ProcessBuilder.Redirect.PIPE);
        return pb.start();
    }

    /** Runs to completion; the output, or a {@link GitException} with git's own message. */
    public byte[] run(String... args) throws IOException {
        Process p = start(List.of(args));
        p.getOutputStream().close();
        byte[] err;
        byte[] out;
        try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
            ByteArrayOutputStream errBuf = new ByteArrayOutputStream();
            Thread errReader = Thread.ofVirtual().start(() -> {
                try {
                    e.transferTo(errBuf);
                } catch (IOException ignored) {
                    // the process ended
                }
            });
            out = o.readAllBytes();
            errReader.join();
            err = errBuf.toByteArray();
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted");
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new GitException("git " + args[0] + " did not finish");
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (p.exitValue() != 0) {
            throw new GitException(firstLine(new String(err, StandardCharsets.UTF_8)));
        }
        return out;
    }

    public String runText(String... args) throws IOException {
        return new String(run(args), StandardCharsets.UTF_8);
    }

    /** Whether {@code dir} is inside a git work tree (or is a bare repository). */
    public boolean isRepository() {
        try {
            String s = runText("rev-parse", "--is-inside-work-tree", "--is-bare-repository").strip();
            return s.contains("true");
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether HEAD (or any ref) exists: false in a repository with no commit yet. */
    public boolean hasCommits() {
        try {
            return !runText("rev-list", "-n", "1", "--all").isBlank();
        } catch (IOException e) {
            return false;
        }
    }

    static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /** git failed; the message is git's first line of stderr. */
    public static final class GitException extends IOException {
        public GitException(String message) {
            super(message);
        }
    }
}
