package gatehouse.iac.load;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import java.util.List;

/** A document that cannot be loaded: unreadable, binary, malformed, or beyond a {@link LoadLimits} limit. */
public final class LoadException extends InputException {
    private final String cfnGuardMessage;

    private LoadException(Diagnostic d, String cfnGuardMessage) {
        super(List.of(d), null);
        this.cfnGuardMessage = cfnGuardMessage;
    }

    public static LoadException of(Diagnostic d, String cfnGuardMessage) {
        return new LoadException(d, cfnGuardMessage);
    }

    /** A one-line message in the style of cfn-guard's, for drop-in output. */
    public String cfnGuardMessage() {
        return cfnGuardMessage;
    }
}
