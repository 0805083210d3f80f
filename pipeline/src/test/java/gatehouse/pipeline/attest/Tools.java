package gatehouse.pipeline.attest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external tools (openssl) for interoperability checks. */
final class Tools {
    private Tools() {}

    record Result(int code, String output) {}

    static boolean hasOpenssl() {
        try {
            return run(Path.of("."), "openssl", "version").code() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    static Result run(Path cwd, String... cmd) throws IOException {
        Process p = new ProcessBuilder(List.of(cmd)).directory(cwd.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", cmd));
            }
            return new Result(p.exitValue(), out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static Result ok(Path cwd, String... cmd) throws IOException {
        Result r = run(cwd, cmd);
        if (r.code() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + r.output());
        }
        return r;
    }

    static Path write(Path file, String text) throws IOException {
        return Files.writeString(file, text, StandardCharsets.US_ASCII);
    }
}
