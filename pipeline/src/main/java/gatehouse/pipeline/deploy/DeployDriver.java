package gatehouse.pipeline.deploy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Puts a built change somewhere it runs. The runner verifies the artifacts' digests before calling
 * {@link #deploy}, keeps the returned {@link Deployment}, and calls {@link Deployment#teardown} when validation
 * fails — and, for deployments that live only as long as the run (a local process), when the run ends or
 * pauses for an approval (a paused run resumes in another process).
 * Drivers: {@code command} (any CLI: aws, terraform, kubectl), {@code local} (the artifact as a process on
 * loopback); a CloudFormation driver implements the same interface (create or update a stack from a change
 * set, wait, delete on teardown).
 */
public interface DeployDriver {
    Deployment deploy(Request request) throws IOException;

    /**
     * @param workDir  where commands run (the pipeline's directory)
     * @param command  what starts or performs the deployment
     * @param env      the complete environment of the command (secrets already scoped and injected)
     * @param health   local: the URL that answers 2xx once the deployment is up; null for none
     * @param timeout  how long deploying (and becoming healthy) may take
     * @param log      where the deployment's output goes
     * @param undo     command: what undoes it (e.g. aws cloudformation delete-stack), or null
     */
    record Request(Path workDir, String command, Map<String, String> env, String health, Duration timeout, Path log,
                   String undo) {}

    /** A deployment that can be undone. */
    interface Deployment {
        /** What it is, for messages ("process 1234 on http://127.0.0.1:8085/health"). */
        String describe();

        /** Whether it lives only as long as the run (then the run tears it down when it ends). */
        boolean ephemeral();

        /** Undoes the deployment; the problem in a sentence, or null when done. */
        String teardown();
    }
}
