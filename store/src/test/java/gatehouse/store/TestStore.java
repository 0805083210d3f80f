package gatehouse.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One test's stores on one dialect: {@link #url(String)} names a store that no other test (or earlier run) sees: a
 * SQLite file in this test's temporary directory, or a PostgreSQL schema made for this test. Closing deletes them.
 */
public final class TestStore implements AutoCloseable {
    private final Dialect dialect;
    private final Path dir;
    private final String baseUrl;
    private final String prefix;
    private final Map<String, String> urls = new LinkedHashMap<>();

    private TestStore(Dialect dialect, Path dir, String baseUrl) {
        this.dialect = dialect;
        this.dir = dir;
        this.baseUrl = baseUrl;
        this.prefix = "gh_test_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(5)) + "_";
    }

    static TestStore sqlite() throws IOException {
        return new TestStore(Dialect.SQLITE, Files.createTempDirectory("gatehouse-store-test"), null);
    }

    static TestStore postgres(String baseUrl) throws IOException {
        return new TestStore(Dialect.POSTGRESQL, Files.createTempDirectory("gatehouse-store-test"), baseUrl);
    }

    public Dialect dialect() {
        return dialect;
    }

    /** A temporary directory of this test's own (deleted with it), for files beside the store. */
    public Path dir() {
        return dir;
    }

    /** The URL of the store named {@code name}, the same for the same name within one test; nothing exists yet. */
    public synchronized String url(String name) {
        return urls.computeIfAbsent(name, n -> {
            if (dialect == Dialect.SQLITE) {
                return "jdbc:sqlite:" + dir.resolve(n.replaceAll("[^A-Za-z0-9_.-]", "_") + (n.endsWith(".db") ? "" : ".db"));
            }
            String schema = prefix + n.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
            try {
                TestPostgres.execute(baseUrl, "CREATE SCHEMA " + schema);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create schema " + schema + ": " + e.getMessage(), e);
            }
            return TestPostgres.inSchema(baseUrl, schema);
        });
    }

    /** The test's main store URL. */
    public String url() {
        return url("gatehouse");
    }

    /** Opens (creating and migrating) the store named {@code name}. */
    public Store open(String name) {
        return Store.open(url(name), true);
    }

    /** Opens (creating and migrating) the test's main store. */
    public Store open() {
        return open("gatehouse");
    }

    @Override
    public synchronized void close() throws IOException, SQLException {
        List<Exception> problems = new ArrayList<>();
        if (dialect == Dialect.POSTGRESQL) {
            for (String name : urls.keySet()) {
                String schema = prefix + name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
                try {
                    TestPostgres.execute(baseUrl, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                } catch (SQLException e) {
                    problems.add(e);
                }
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        if (!problems.isEmpty()) {
            throw new SQLException("cannot drop the test's schemas: " + problems.get(0).getMessage(), problems.get(0));
        }
    }
}
