package gatehouse.cli.guard;

/** cfn-guard 3.1.1's exit codes, which {@code gatehouse guard} mirrors exactly. Never renumbered. */
public enum GuardExitCode {
    /** validate: every rule PASS or SKIP; test: every expectation met; parse-tree, rulegen: done. */
    OK(0),
    /** test: a rule file or a test file could not be read or parsed. */
    TEST_ERROR(1),
    /** Unknown flag or missing argument (command-line usage). */
    USAGE(2),
    /** validate: a rule file did not parse. */
    PARSE_ERROR(5),
    /** test: at least one expectation was not met. */
    TEST_FAILURE(7),
    /** validate: at least one rule failed. */
    FAIL(19),
    /** Any other error: unreadable data, missing path, unknown variable or rule, bad flag combination. */
    ERROR(255);

    public final int code;

    GuardExitCode(int code) {
        this.code = code;
    }
}
