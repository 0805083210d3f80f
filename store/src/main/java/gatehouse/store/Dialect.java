package gatehouse.store;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.sqlite.SQLiteConfig;

/**
 * What differs between the databases the store runs on, confined to one place: how a connection is made durable
 * and how a writer takes the exclusive append lock. The SQL of queries and migrations is shared.
 */
public enum Dialect {
    /**
     * Embedded SQLite. WAL journal with {@code synchronous=FULL}: a commit is fsynced before it returns. Every
     * transaction begins {@code IMMEDIATE}, so it holds the database's single write lock from its first statement
     * and writers in other processes wait (busy timeout) instead of failing or forking the chain.
     */
    SQLITE("jdbc:sqlite:") {
        @Override
        Connection connect(String url, Properties props) throws SQLException {
            SQLiteConfig config = new SQLiteConfig(props);
            config.setJournalMode(SQLiteConfig.JournalMode.WAL);
            config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
            config.setBusyTimeout(BUSY_TIMEOUT_MS);
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            config.enforceForeignKeys(true);
            return driver(new org.sqlite.JDBC(), url, config.toProperties());
        }

        @Override
        void lockForAppend(Connection c) {
            // nothing to do: the IMMEDIATE transaction already holds the write lock
        }
    },

    /**
     * PostgreSQL over the network. {@code synchronous_commit=on} for the session (a commit is flushed to the WAL on
     * disk before it returns, whatever the server default); appends lock the entries table in SHARE ROW EXCLUSIVE
     * mode, which conflicts with itself, so appenders queue and each reads the tip the previous one committed.
     */
    POSTGRESQL("jdbc:postgresql:") {
        @Override
        Connection connect(String url, Properties props) throws SQLException {
            Connection c = driver(new org.postgresql.Driver(), url, props);
            try (Statement s = c.createStatement()) {
                s.execute("SET synchronous_commit = on");
            }
            return c;
        }

        @Override
        void lockForAppend(Connection c) throws SQLException {
            try (Statement s = c.createStatement()) {
                s.execute("LOCK TABLE audit_entries IN SHARE ROW EXCLUSIVE MODE");
            }
        }
    };

    /** How long a writer waits for another process's write lock before giving up. */
    static final int BUSY_TIMEOUT_MS = 60_000;

    private final String prefix;

    Dialect(String prefix) {
        this.prefix = prefix;
    }

    /** The dialect a JDBC URL names, or null when the store does not support it. */
    public static Dialect of(String url) {
        for (Dialect d : values()) {
            if (url.startsWith(d.prefix)) {
                return d;
            }
        }
        return null;
    }

    public String prefix() {
        return prefix;
    }

    abstract Connection connect(String url, Properties props) throws SQLException;

    /** Called first in an append transaction (auto-commit off); returns holding a lock no other appender can hold. */
    abstract void lockForAppend(Connection c) throws SQLException;

    private static Connection driver(Driver d, String url, Properties props) throws SQLException {
        Connection c = d.connect(url, props);
        if (c == null) {
            throw new SQLException("the driver does not accept this URL");
        }
        return c;
    }
}
