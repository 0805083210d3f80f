/**
 * The store: one JDBC database for everything Gatehouse must remember between runs (today the audit log; later
 * runs and approvals). SQLite embedded by default, PostgreSQL by URL, schema versions applied by Flyway from
 * {@code db/migration}. Dialect differences (connection settings, the append lock) live in {@link
 * gatehouse.store.Dialect} and nowhere else.
 */
package gatehouse.store;
