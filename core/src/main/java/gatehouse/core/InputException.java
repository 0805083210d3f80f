package gatehouse.core;

import java.util.List;

/**
 * Thrown when an input a user gave cannot be used: a malformed document, a broken rule file, a
 * missing path. Carries one or more {@link Diagnostic}s; never a stack trace for the user.
 * Front-ends map it to exit code 2 (or cfn-guard's code in drop-in mode).
 */
public class InputException extends RuntimeException {
    private final List<Diagnostic> diagnostics;

    public InputException(Diagnostic diagnostic) {
        this(List.of(diagnostic), null);
    }

    public InputException(List<Diagnostic> diagnostics, Throwable cause) {
        super(diagnostics.isEmpty() ? "input error" : diagnostics.get(0).headline(), cause, false, cause != null);
        if (diagnostics.isEmpty()) {
            throw new IllegalArgumentException("at least one diagnostic");
        }
        this.diagnostics = List.copyOf(diagnostics);
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    public Diagnostic first() {
        return diagnostics.get(0);
    }
}
