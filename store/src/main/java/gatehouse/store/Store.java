package gatehouse.store;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Gatehouse's database: where it is, how to connect to it, and its schema brought up to date on open.
 *
 * <p>One store serves the CLI, the pipeline runner and the server, so everything they must remember and prove
 * later (the audit log first) lives in one place that an operator backs up once. SQLite is the default because it
 * needs no server ({@code .gatehouse/gatehouse.db} in the project); PostgreSQL is there for a team sharing one
 * store. Connections are made per use ({@link #connect()}) and carry the dialect's durability settings.
 *
 * <p>Schema versions are the Flyway scripts {@code db/migration/V<n>__<name>.sql}. Opening an up-to-date store
 * costs one query (the applied version is read from Flyway's history table); Flyway itself runs only when the
 * store is new or older than {@link #SCHEMA_VERSION}, and for SQLite under a file lock so that two processes
 * creating the same store at once do not both apply version 1.
 *
 * <p>Thread-safe: a store holds no connection.
 */
public final class Store {
    /** The highest {@code V<n>} script in {@code db/migration}; a test keeps the two equal. */
    public static final int SCHEMA_VERSION = 4;

    /** Where the default SQLite store lives, relative to the project root. */
    public static final String DEFAULT_PATH = ".gatehouse/gatehouse.db";

    private static final String HISTORY = "flyway_schema_history";

    private final String url;
    private final Dialect dialect;
    private final Path file;

    private Store(String url, Dialect dialect, Path file) {
        this.url = url;
        this.dialect = dialect;
        this.file = file;
    }

    /**
     * The store URL to use: {@code flag} when given, else the environment's {@code GATEHOUSE_STORE}, else the
     * SQLite file {@link #DEFAULT_PATH} under {@code projectRoot}.
     */
    public static String resolveUrl(String flag, Map<String, String> env, Path projectRoot) {
        if (flag != null && !flag.isBlank()) {
            return flag;
        }
        String fromEnv = env.get("GATEHOUSE_STORE");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        return "jdbc:sqlite:" + projectRoot.resolve(DEFAULT_PATH).toAbsolutePath().normalize();
    }

    /** The project root for the default store: the nearest directory at or above {@code dir} holding {@code gatehouse.yml}, {@code .gatehouse} or {@code .git}; else {@code dir}. */
    public static Path projectRoot(Path dir) {
        Path start = dir.toAbsolutePath().normalize();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.exists(p.resolve("gatehouse.yml")) || Files.isDirectory(p.resolve(".gatehouse"))
                    || Files.exists(p.resolve(".git"))) {
                return p;
            }
        }
        return start;
    }

    /**
     * Opens the store at {@code url}, creating it (SQLite: the file and its directory) and migrating its schema
     * when {@code create} is true. With {@code create} false a SQLite file that does not exist is an error, so
     * that reading commands never leave an empty store behind.
     *
     * @throws StoreException a user error for an unsupported or malformed URL, a missing or unwritable file, a
     *     server that refuses the connection; otherwise a failure during migration
     */
    public static Store open(String url, boolean create) {
        Dialect dialect = Dialect.of(url);
        if (dialect == null) {
            throw new StoreException("unsupported store URL '" + redact(url) + "' (expected jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB)",
                    null, true);
        }
        Path file = null;
        if (dialect == Dialect.SQLITE) {
            file = sqliteFile(url);
            if (!Files.exists(file)) {
                if (!create) {
                    throw new StoreException("no store at " + file, null, true);
                }
                try {
                    Files.createDirectories(file.toAbsolutePath().getParent());
                } catch (IOException e) {
                    throw new StoreException("cannot create the directory of " + file + ": " + e.getMessage(), e, true);
                }
            }
        }
        Store store = new Store(url, dialect, file);
        store.migrate();
        return store;
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The URL with any password removed: safe to print. */
    public String displayUrl() {
        return redact(url);
    }

    /** The SQLite file, or null for a server store. */
    public Path file() {
        return file;
    }

    /** A new connection in auto-commit mode with the dialect's durability settings; the caller closes it. */
    public Connection connect() {
        try {
            return dialect.connect(url, new Properties());
        } catch (SQLException e) {
            throw new StoreException("cannot connect to " + displayUrl() + ": " + oneLine(e), e, true);
        }
    }

    /** Takes the audit chain's append lock in the caller's open transaction (auto-commit off). */
    public void lockForAppend(Connection c) throws SQLException {
        dialect.lockForAppend(c);
    }

    /** The schema version the store is at (0 for an empty database). */
    public int appliedVersion() {
        try (Connection c = connect()) {
            return appliedVersion(c);
        } catch (SQLException e) {
            throw new StoreException("cannot read the schema version of " + displayUrl() + ": " + oneLine(e), e, false);
        }
    }

    private static int appliedVersion(Connection c) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        // Only the connection's own schema counts: on PostgreSQL several stores may share one database, one per
        // schema (currentSchema=... in the URL), and another store's history table says nothing about this one.
        String schema = c.getSchema();
        String pattern = schema == null ? null : schema.replace("_", md.getSearchStringEscape() + "_")
                .replace("%", md.getSearchStringEscape() + "%");
        boolean exists;
        try (ResultSet rs = md.getTables(null, pattern, HISTORY, null)) {
            exists = rs.next();
        }
        if (!exists) {
            return 0;
        }
        int max = 0;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT version FROM " + HISTORY + " WHERE success = "
                        + (c.getMetaData().getDatabaseProductName().startsWith("SQLite") ? "1" : "true"))) {
            while (rs.next()) {
                String v = rs.getString(1);
                if (v != null && v.matches("\\d+")) {
                    max = Math.max(max, Integer.parseInt(v));
                }
            }
        }
        return max;
    }

    private void migrate() {
        if (appliedVersion() == SCHEMA_VERSION) {
            return; // the common case: no Flyway start-up on every command
        }
        if (file == null) {
            runFlyway(); // PostgreSQL: Flyway serialises concurrent migrations with an advisory lock
            return;
        }
        Path lockFile = file.resolveSibling(file.getFileName() + ".migrate-lock");
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = ch.lock()) {
            if (appliedVersion() != SCHEMA_VERSION) { // another process may have migrated while we waited
                runFlyway();
            }
        } catch (IOException e) {
            throw new StoreException("cannot lock " + lockFile + " to migrate the store: " + e.getMessage(), e, true);
        }
    }

    private void runFlyway() {
        try {
            Flyway.configure(Store.class.getClassLoader())
                    .dataSource(new StoreDataSource())
                    .locations("classpath:db/migration")
                    .loggers(gatehouse.store.internal.QuietFlywayLogs.class.getName())
                    .cleanDisabled(true)
                    .validateMigrationNaming(true)
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            throw new StoreException("cannot migrate " + displayUrl() + " to schema version " + SCHEMA_VERSION + ": "
                    + oneLine(e), e, false);
        }
        int v = appliedVersion();
        if (v != SCHEMA_VERSION) {
            throw new StoreException("store " + displayUrl() + " is at schema version " + v + " after migration, expected "
                    + SCHEMA_VERSION + " (a newer Gatehouse wrote it?)", null, true);
        }
    }

    private static Path sqliteFile(String url) {
        String rest = url.substring(Dialect.SQLITE.prefix().length());
        if (rest.startsWith("file:")) {
            rest = rest.substring(5);
        }
        int q = rest.indexOf('?');
        if (q >= 0) {
            rest = rest.substring(0, q);
        }
        if (rest.isEmpty() || rest.equals(":memory:") || rest.contains("mode=memory")) {
            throw new StoreException("the store must be a file: '" + url + "' is not (an in-memory database forgets everything)",
                    null, true);
        }
        return Path.of(rest);
    }

    /** {@code url} with the values of password parameters and the password of user:password@ removed: safe to print. */
    public static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//([^/@:]+):[^/@]*@", "//$1:***@");
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m).strip();
    }

    /** Hands Flyway connections made exactly as {@link #connect()} makes them. */
    private final class StoreDataSource implements DataSource {
        @Override
        public Connection getConnection() {
            return connect();
        }

        @Override
        public Connection getConnection(String username, String password) {
            return connect();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
