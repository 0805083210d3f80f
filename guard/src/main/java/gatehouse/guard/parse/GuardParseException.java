package gatehouse.guard.parse;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import java.util.List;

/** A rule file that is not valid Guard. Carries every diagnostic found (sorted by position, capped). */
public final class GuardParseException extends InputException {
    private final String cfnGuardMessage;

    public GuardParseException(List<Diagnostic> diagnostics, String cfnGuardMessage) {
        super(diagnostics, null);
        this.cfnGuardMessage = cfnGuardMessage;
    }

    /**
     * The first error worded as cfn-guard 3.1.1 words it ({@code Parser Error when parsing `Parsing Error Error
     * parsing file F at line L at column C, when handling CTX, fragment REST`}), for drop-in output.
     */
    public String cfnGuardMessage() {
        return cfnGuardMessage;
    }
}
