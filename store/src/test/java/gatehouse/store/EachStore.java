package gatehouse.store;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test once on each store dialect: {@code [sqlite]} on a SQLite file in a fresh temporary directory and
 * {@code [postgresql]} in a fresh schema of the server {@code GATEHOUSE_TEST_POSTGRES_URL} names (see
 * {@link TestPostgres}). The test, and its {@code @BeforeEach} methods, take a {@link TestStore} parameter for
 * the URLs; whatever the test created is deleted after it, so runs are isolated and repeatable.
 *
 * <p>Without a PostgreSQL URL the {@code [postgresql]} case is skipped with the reason, unless
 * {@code GATEHOUSE_REQUIRE_POSTGRES=1} (CI), which turns the skip into a failure; a URL that does not connect
 * always fails.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(EachStoreExtension.class)
public @interface EachStore {}
