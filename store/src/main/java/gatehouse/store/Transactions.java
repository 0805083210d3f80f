package gatehouse.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One unit of work in one database transaction, the same way for every writer of the store (runs, the audit log,
 * monitor state): committed when the work returns, rolled back when it throws — the failure rethrown with a
 * failed rollback attached — and the connection's auto-commit restored either way, so a pooled or held
 * connection is left as it was found.
 */
public final class Transactions {
    private Transactions() {}

    /** Work on a connection inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    public static <T> T run(Connection c, Work<T> work) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            T result = work.run(c);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            if (auto) {
                c.setAutoCommit(true);
            }
        }
    }
}
