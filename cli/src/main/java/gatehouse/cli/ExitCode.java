package gatehouse.cli;

/**
 * Gatehouse's own exit codes, used by every native command. Never renumbered.
 * {@code gatehouse guard ...} instead mirrors cfn-guard 3.1.1's codes (see {@code GuardExitCode}).
 */
public enum ExitCode {
    /** Ran; no gate failed. */
    OK(0),
    /** Ran; at least one gate failed (blocking findings). */
    GATE_FAILED(1),
    /** Bad flags, a missing path, an invalid input, rule or config file. */
    INPUT_ERROR(2),
    /** A bug in Gatehouse; results incomplete. */
    INTERNAL_ERROR(3);

    public final int code;

    ExitCode(int code) {
        this.code = code;
    }
}
