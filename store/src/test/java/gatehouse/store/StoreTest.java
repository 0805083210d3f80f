package gatehouse.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on real SQLite files and a real PostgreSQL server ({@link EachStore}): location, durability settings,
 * migrations, isolation, errors.
 */
class StoreTest {
    @TempDir
    Path dir;

    @Test
    void schemaVersionConstantIsTheHighestMigrationScript() throws IOException, URISyntaxException {
        Path migrations = Path.of(Store.class.getResource("/db/migration").toURI());
        Pattern name = Pattern.compile("V(\\d+)__\\w+\\.sql");
        int max = 0;
        try (Stream<Path> files = Files.list(migrations)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Matcher m = name.matcher(f.getFileName().toString());
                assertThat(m.matches()).as("migration file name %s", f.getFileName()).isTrue();
                max = Math.max(max, Integer.parseInt(m.group(1)));
            }
        }
        assertThat(Store.SCHEMA_VERSION).isEqualTo(max);
    }

    /** The number of V&lt;n&gt; scripts: versions may have gaps (each module's scripts take their own numbers). */
    static int migrationScripts() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(Path.of(Store.class.getResource("/db/migration").toURI()))) {
            return (int) files.filter(f -> f.getFileName().toString().matches("V\\d+__\\w+\\.sql")).count();
        }
    }

    @Test
    void createsTheFileMigratesAndConnectsDurably() throws Exception {
        Path db = dir.resolve("sub/.gatehouse/gatehouse.db");
        Store store = Store.open("jdbc:sqlite:" + db, true);
        assertThat(db).exists();
        assertThat(store.appliedVersion()).isEqualTo(Store.SCHEMA_VERSION);
        try (Connection c = store.connect(); Statement s = c.createStatement()) {
            assertThat(scalar(s, "PRAGMA journal_mode")).isEqualTo("wal");
            assertThat(scalar(s, "PRAGMA synchronous")).isEqualTo("2"); // FULL
            assertThat(scalar(s, "PRAGMA foreign_keys")).isEqualTo("1");
        }
    }

    @EachStore
    void migratesOnceToTheCurrentVersionAndConnectsDurably(TestStore t) throws Exception {
        Store store = t.open();
        assertThat(store.dialect()).isEqualTo(t.dialect());
        assertThat(store.appliedVersion()).isEqualTo(Store.SCHEMA_VERSION);
        String yes = t.dialect() == Dialect.SQLITE ? "1" : "true";
        try (Connection c = store.connect(); Statement s = c.createStatement()) {
            if (t.dialect() == Dialect.POSTGRESQL) {
                assertThat(scalar(s, "SHOW synchronous_commit")).isEqualTo("on");
                assertThat(scalar(s, "SHOW transaction_isolation")).isEqualTo("read committed");
            }
            for (String table : List.of("audit_entries", "audit_checkpoints", "runs", "run_stages", "run_steps",
                    "run_step_outputs", "run_approvals", "monitor_checkpoints")) {
                assertThat(scalar(s, "SELECT count(*) FROM " + table)).as(table).isEqualTo("0");
            }
            assertThat(scalar(s, "SELECT count(*) FROM flyway_schema_history WHERE success = " + yes))
                    .isEqualTo(Integer.toString(migrationScripts()));
        }
        // reopening neither re-runs nor repeats a migration
        Store again = Store.open(t.url(), false);
        assertThat(again.appliedVersion()).isEqualTo(Store.SCHEMA_VERSION);
        try (Connection c = again.connect(); Statement s = c.createStatement()) {
            assertThat(scalar(s, "SELECT count(*) FROM flyway_schema_history")).isEqualTo(Integer.toString(migrationScripts()));
        }
    }

    @EachStore
    void storesSharingADatabaseServerAreIndependent(TestStore t) throws Exception {
        // on PostgreSQL: two schemas of one database; the second store must get its own tables, not see the first's
        Store a = t.open("team_a");
        Store b = t.open("team_b");
        assertThat(b.appliedVersion()).isEqualTo(Store.SCHEMA_VERSION);
        try (Connection c = a.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO audit_checkpoints (seq, hash, time_ms, key_id, signature) VALUES (1, 'h', 0, 'k', 's')");
        }
        try (Connection c = b.connect(); Statement s = c.createStatement()) {
            assertThat(scalar(s, "SELECT count(*) FROM audit_checkpoints")).isEqualTo("0");
        }
    }

    @EachStore
    void aStoreFromANewerGatehouseIsRefused(TestStore t) throws Exception {
        Store store = t.open();
        try (Connection c = store.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE flyway_schema_history SET version = '" + (Store.SCHEMA_VERSION + 7) + "' WHERE version = '"
                    + Store.SCHEMA_VERSION + "'");
        }
        assertThatThrownBy(() -> Store.open(t.url(), false)).isInstanceOf(StoreException.class)
                .hasMessageContaining("schema version");
    }

    @Test
    void anUnreachablePostgresqlServerIsAUserErrorWithoutThePassword() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort(); // closed again: nobody listens there
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/none?user=u&password=hunter2&connectTimeout=5";
        assertThatThrownBy(() -> Store.open(url, true)).isInstanceOf(StoreException.class)
                .hasMessageStartingWith("cannot connect to jdbc:postgresql://127.0.0.1:" + port + "/none?user=u&password=***")
                .hasMessageNotContaining("hunter2")
                .matches(e -> ((StoreException) e).userError());
    }

    @Test
    void readingCommandsNeverCreateAStore() {
        Path db = dir.resolve("none.db");
        assertThatThrownBy(() -> Store.open("jdbc:sqlite:" + db, false))
                .isInstanceOf(StoreException.class).hasMessage("no store at " + db)
                .matches(e -> ((StoreException) e).userError());
        assertThat(db).doesNotExist();
    }

    @Test
    void rejectsUnsupportedAndInMemoryUrls() {
        assertThatThrownBy(() -> Store.open("jdbc:mysql://h/db?user=u&password=hunter2", true))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("unsupported store URL 'jdbc:mysql://h/db?user=u&password=***'")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> Store.open("jdbc:sqlite::memory:", true)).hasMessageContaining("must be a file");
    }

    @Test
    void urlComesFromTheFlagThenTheEnvironmentThenTheProjectRoot() throws IOException {
        Path root = Files.createDirectories(dir.resolve("proj"));
        Files.createDirectories(root.resolve(".git"));
        Path deep = Files.createDirectories(root.resolve("a/b"));
        assertThat(Store.projectRoot(deep)).isEqualTo(root.toAbsolutePath());
        assertThat(Store.resolveUrl("jdbc:sqlite:x.db", Map.of("GATEHOUSE_STORE", "jdbc:sqlite:y.db"), root)).isEqualTo("jdbc:sqlite:x.db");
        assertThat(Store.resolveUrl(null, Map.of("GATEHOUSE_STORE", "jdbc:sqlite:y.db"), root)).isEqualTo("jdbc:sqlite:y.db");
        assertThat(Store.resolveUrl(null, Map.of(), root)).isEqualTo("jdbc:sqlite:" + root.toAbsolutePath().resolve(".gatehouse/gatehouse.db"));
    }

    @Test
    void redactsPasswordsInUrls() {
        assertThat(Store.redact("jdbc:postgresql://db:5432/g?user=gh&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://db:5432/g?user=gh&password=***&ssl=true");
        assertThat(Store.redact("jdbc:postgresql://gh:s3cret@db/g")).isEqualTo("jdbc:postgresql://gh:***@db/g");
    }

    static String scalar(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
