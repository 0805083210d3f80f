package gatehouse.pipeline.attest;

/**
 * A document (envelope, statement, key) that does not have the required shape; the message is one line, fit for
 * a user, and never holds key material.
 */
public final class FormatException extends Exception {
    public FormatException(String message) {
        super(message, null, false, false);
    }
}
