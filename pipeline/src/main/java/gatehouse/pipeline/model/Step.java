package gatehouse.pipeline.model;

import gatehouse.core.SourceSpan;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One step of a stage. Every step has a name (unique in its stage: {@code gate}, {@code run}, … or the one the
 * file gives) and the place in {@code gatehouse.yml} it was declared, so every message about it can point there.
 */
public sealed interface Step {
    String name();

    SourceSpan at();

    /** What kind of step, as written in gatehouse.yml. */
    String kind();

    /**
     * A security gate: its findings decide PASS / NEEDS_APPROVAL / FAIL.
     *
     * @param scanner policy (the IaC rule pack and your Guard rules), secrets, or sarif (any external scanner's SARIF)
     * @param paths   what to scan, relative to the pipeline file's directory (default: all of it)
     * @param sarif   sarif gates: the SARIF file to ingest (often written by an earlier run step)
     * @param failOn  sarif gates: the lowest SARIF level that fails the gate (error, warning or note)
     */
    record Gate(String name, SourceSpan at, Scanner scanner, List<String> paths, String sarif, String failOn) implements Step {
        public enum Scanner { POLICY, SECRETS, SARIF }

        @Override
        public String kind() {
            return "gate";
        }
    }

    /**
     * A command (build, test, package), run with {@code sh -c} in the pipeline's directory.
     *
     * @param env     extra environment variables
     * @param secrets names of pipeline secrets given to this step only (as environment variables of the same name)
     * @param outputs files the step produces: hashed (SHA-256) into the run record, verified by later stages
     */
    record Run(String name, SourceSpan at, String command, Map<String, String> env, List<String> secrets,
               List<String> outputs, Duration timeout) implements Step {
        @Override
        public String kind() {
            return "run";
        }
    }

    /**
     * The run waits here until {@code count} distinct people among {@code approvers} (anyone when empty) approve;
     * the author of the change cannot approve it. With {@code keys} (approver → public key file), an approval
     * counts only with a signature by that approver's own key, checked again whenever the run goes on — so
     * enforcement holds without a server: editing the run record cannot forge one.
     */
    record Approval(String name, SourceSpan at, int count, List<String> approvers, Map<String, java.nio.file.Path> keys)
            implements Step {
        @Override
        public String kind() {
            return "approval";
        }
    }

    /**
     * The split-ownership merge of the pipeline file's {@code merge:} section (docs/merge.md): fragments checked
     * with their owners' rules, merged with security winning, the result checked with every rule.
     *
     * @param paths fragment files or directories (default: the merge section's base directory)
     */
    record Merge(String name, SourceSpan at, List<String> paths) implements Step {
        @Override
        public String kind() {
            return "merge";
        }
    }

    /**
     * Signs the subjects with the pipeline's own key (GATEHOUSE_SIGNING_KEY or GATEHOUSE_SIGNING_KEY_FILE): an
     * in-toto statement with SLSA provenance in a DSSE envelope, written to {@code output}. A subject recorded
     * as an earlier step's output must still have that digest.
     */
    record Attest(String name, SourceSpan at, List<String> subjects, String output) implements Step {
        @Override
        public String kind() {
            return "attest";
        }
    }

    /**
     * Checks an attestation before anything is deployed: a signature by one of {@code keys} (default: the stage
     * environment's {@code identity}) and every artifact's digest.
     */
    record Verify(String name, SourceSpan at, String attestation, List<String> artifacts, List<String> keys) implements Step {
        @Override
        public String kind() {
            return "verify";
        }
    }

    /**
     * Checks what was deployed: the live state (a command's JSON or YAML, e.g. {@code aws ec2
     * describe-security-groups}) against Guard rules — the same rules as the template — and probes against the
     * deployed endpoints. When anything fails, {@code teardown} runs (as the seed deletes its test stack).
     */
    record Validate(String name, SourceSpan at, String liveCommand, List<String> liveRules, List<Probe> probes,
                    String teardown) implements Step {
        @Override
        public String kind() {
            return "validate";
        }
    }

    /**
     * One probe: {@code tcp} (host:port, expect open or closed), {@code http} (URL, expected status, headers
     * that must be present) or {@code tls} (host:port, lowest acceptable negotiated protocol).
     */
    record Probe(String kind, String target, String expect, List<Integer> status, List<String> headers,
                 String minTls, SourceSpan at) {}

    /**
     * Deploys with a driver: {@code command} (any CLI) or {@code local} (the artifact as a process on loopback,
     * healthy when {@code health} answers). The {@code artifacts} must still have the digests recorded by the
     * steps that made them.
     */
    record Deploy(String name, SourceSpan at, String driver, String command, String health, Duration timeout,
                  List<String> artifacts, Map<String, String> env, List<String> secrets, String teardown) implements Step {
        @Override
        public String kind() {
            return "deploy";
        }
    }
}
