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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on real SQLite files: location, durability settings, migrations, errors. */
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
            assertThat(scalar(s, "SELECT count(*) FROM audit_entries")).isEqualTo("0");
            assertThat(scalar(s, "SELECT count(*) FROM audit_checkpoints")).isEqualTo("0");
            assertThat(scalar(s, "SELECT count(*) FROM flyway_schema_history WHERE success = 1"))
                    .isEqualTo(Integer.toString(migrationScripts()));
        }
        // reopening neither re-runs nor repeats a migration
        Store again = Store.open("jdbc:sqlite:" + db, false);
        try (Connection c = again.connect(); Statement s = c.createStatement()) {
            assertThat(scalar(s, "SELECT count(*) FROM flyway_schema_history")).isEqualTo(Integer.toString(migrationScripts()));
        }
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
