package gatehouse.guard.eval;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.guard.ast.FileLocation;
import java.util.List;

/**
 * A rule that cannot be evaluated: an unknown variable or rule, a parameterized call with the wrong number
 * of arguments, a function applied to the wrong type, a regex over its step budget. cfn-guard reports these
 * as errors (exit 255) and so does the drop-in command.
 */
public final class GuardEvaluationException extends InputException {
    private final String cfnGuardMessage;

    public GuardEvaluationException(FileLocation at, String message, String hint, String cfnGuardMessage) {
        super(List.of(Diagnostic.of("eval_error",
                at == null ? null : SourceSpan.at(at.fileName() == null ? "<rules>" : at.fileName(), at.line(), at.column()),
                message, hint)), null);
        this.cfnGuardMessage = cfnGuardMessage;
    }

    /** cfn-guard's wording of the same error, for drop-in output. */
    public String cfnGuardMessage() {
        return cfnGuardMessage;
    }
}
