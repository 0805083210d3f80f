package gatehouse.pipeline.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Runs the built artifact as a local process (the embedded test environment: no cloud needed) and waits until
 * its health URL, which must be on loopback, answers 2xx. The process and its children are stopped on
 * teardown and when the run ends or pauses.
 */
public final class LocalDriver implements DeployDriver {
    @Override
    public Deployment deploy(Request r) throws IOException {
        if (r.health() == null) {
            throw new IOException("a local deployment needs health: the URL that answers once it is up");
        }
        URI health = URI.create(r.health());
        String host = health.getHost();
        if (host == null || !(host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]") || host.equals("::1"))) {
            throw new IOException("a local deployment listens on loopback only, not " + host);
        }
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "exec " + r.command()).directory(r.workDir().toFile())
                .redirectErrorStream(true).redirectOutput(r.log().toFile());
        pb.environment().clear();
        pb.environment().putAll(r.env());
        Process p = pb.start();
        p.getOutputStream().close();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(r.timeout());
        String last = "no answer";
        while (Instant.now().isBefore(deadline)) {
            if (!p.isAlive()) {
                throw new IOException("the process exited " + p.exitValue() + " before it was healthy");
            }
            try {
                int status = client.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    return new Local(p, r.health());
                }
                last = "status " + status;
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                stop(p);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                stop(p);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        stop(p);
        throw new IOException("not healthy after " + r.timeout().toSeconds() + " s (" + r.health() + ": " + last + ")");
    }

    static String stop(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return p.isAlive() ? "process " + p.pid() + " would not stop" : null;
    }

    private record Local(Process process, String health) implements Deployment {
        @Override
        public String describe() {
            return "process " + process.pid() + " healthy at " + health;
        }

        @Override
        public boolean ephemeral() {
            return true;
        }

        @Override
        public String teardown() {
            return stop(process);
        }
    }
}
