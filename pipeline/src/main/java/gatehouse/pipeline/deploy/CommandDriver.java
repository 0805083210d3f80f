package gatehouse.pipeline.deploy;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Deploys with any command (aws, terraform, kubectl): it succeeds when the command exits 0 within the timeout.
 * Teardown runs the step's {@code teardown} command (e.g. {@code aws cloudformation delete-stack}), if any.
 */
public final class CommandDriver implements DeployDriver {
    @Override
    public Deployment deploy(Request r) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", r.command()).directory(r.workDir().toFile())
                .redirectErrorStream(true).redirectOutput(r.log().toFile());
        pb.environment().clear();
        pb.environment().putAll(r.env());
        Process p = pb.start();
        p.getOutputStream().close();
        try {
            if (!p.waitFor(r.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException("deploy command timed out after " + r.timeout().toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (p.exitValue() != 0) {
            throw new IOException("deploy command exited " + p.exitValue());
        }
        String what = "`" + r.command() + "`";
        String undo = r.undo();
        return new Deployment() {
            @Override
            public String describe() {
                return what;
            }

            @Override
            public boolean ephemeral() {
                return false;
            }

            @Override
            public String teardown() {
                if (undo == null) {
                    return null;
                }
                try {
                    ProcessBuilder tb = new ProcessBuilder("sh", "-c", undo).directory(r.workDir().toFile())
                            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(r.log().toFile()));
                    tb.environment().clear();
                    tb.environment().putAll(r.env());
                    Process t = tb.start();
                    t.getOutputStream().close();
                    if (!t.waitFor(r.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                        t.destroyForcibly();
                        return "teardown `" + undo + "` timed out";
                    }
                    return t.exitValue() == 0 ? null : "teardown `" + undo + "` exited " + t.exitValue();
                } catch (IOException e) {
                    return "teardown `" + undo + "`: " + e.getMessage();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return "teardown interrupted";
                }
            }
        };
    }
}
