package gatehouse.store;

/**
 * The store could not be opened, migrated, read or written. The message is one line fit for a user (the URL in it
 * has any password removed); the cause keeps the driver's detail for {@code --debug}.
 */
public final class StoreException extends RuntimeException {
    private final boolean userError;

    public StoreException(String message, Throwable cause, boolean userError) {
        super(message, cause);
        this.userError = userError;
    }

    /** True when the user can fix it (a bad URL, a missing or unwritable file), false for a failure during use. */
    public boolean userError() {
        return userError;
    }
}
