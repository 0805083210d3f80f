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

    /**
     * What a history scan needs to know of the repository, asked of git in one process: whether it is one, whether
     * it is a shallow clone, its object name format and its object directory. Null when {@code dir} is not in a
     * repository; a git too old to answer all at once is asked question by question.
     */
    public Info info() {
        try {
            String[] a = runText("rev-parse", "--is-inside-work-tree", "--is-bare-repository", "--is-shallow-repository",
                    "--show-object-format", "--git-path", "objects").split("\n");
            if (a.length >= 5) {
                return new Info(a[2].strip().equals("true"), a[3].strip(), dir.resolve(a[4].strip()).normalize());
            }
        } catch (IOException e) {
            // not a repository, or a git that does not know one of the questions: told apart below
        }
        if (!isRepository()) {
            return null;
        }
        boolean shallow = false;
        String format = "sha1"; // a git older than 2.28 knows no other
        Path objects = null;
        try {
            shallow = runText("rev-parse", "--is-shallow-repository").strip().equals("true");
        } catch (IOException ignored) {
            // a git older than 2.15: no such question
        }
        try {
            format = runText("rev-parse", "--show-object-format").strip();
        } catch (IOException ignored) {
            // sha1
        }
        try {
            objects = dir.resolve(runText("rev-parse", "--git-path", "objects").strip()).normalize();
        } catch (IOException ignored) {
            // objects read through git
        }
        return new Info(shallow, format, objects);
    }

    /** See {@link #info()}; {@code objects} may be null (unknown). */
    public record Info(boolean shallow, String objectFormat, Path objects) {}

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
