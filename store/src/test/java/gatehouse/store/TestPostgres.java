package gatehouse.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;
import org.opentest4j.AssertionFailedError;

/**
 * The PostgreSQL server the tests use, from the environment: {@code GATEHOUSE_TEST_POSTGRES_URL} (a JDBC URL with
 * user and password of a role that may create schemas in its database; {@code bin/lib/test-postgres.sh start}
 * prints one) and {@code GATEHOUSE_REQUIRE_POSTGRES=1} to fail instead of skip when it is not set.
 */
public final class TestPostgres {
    public static final String ENV_URL = "GATEHOUSE_TEST_POSTGRES_URL";
    public static final String ENV_REQUIRE = "GATEHOUSE_REQUIRE_POSTGRES";

    private static String checked;

    private TestPostgres() {}

    /**
     * The server's base URL, checked to connect once per JVM. Skips the calling test (with the reason) when no URL is
     * set; fails it when one is required but not set, or when the URL set does not connect.
     */
    public static synchronized String require() {
        String url = System.getenv(ENV_URL);
        if (url == null || url.isBlank()) {
            if ("1".equals(System.getenv(ENV_REQUIRE))) {
                throw new AssertionFailedError(ENV_REQUIRE + "=1 but " + ENV_URL + " is not set: start a server with"
                        + " eval \"$(bin/lib/test-postgres.sh start)\"");
            }
            Assumptions.abort("PostgreSQL not configured: set " + ENV_URL + " (eval \"$(bin/lib/test-postgres.sh start)\") to run"
                    + " the PostgreSQL cases");
        }
        if (!url.equals(checked)) {
            try (Connection c = DriverManager.getConnection(url)) {
                c.isValid(5);
            } catch (SQLException e) {
                throw new AssertionFailedError(ENV_URL + " is set but PostgreSQL does not answer at "
                        + Store.redact(url) + ": " + Store.oneLine(e), e);
            }
            checked = url;
        }
        return url;
    }

    /** Runs {@code sql} on the base URL (outside any test schema). */
    static void execute(String baseUrl, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(baseUrl); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** {@code baseUrl} with its connections' search path set to {@code schema}. */
    public static String inSchema(String baseUrl, String schema) {
        return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }
}
