/**
 * The store: one JDBC database for everything Gatehouse must remember between runs (the audit log, and the
 * pipeline's runs with their stages, steps and approvals). SQLite embedded by default, PostgreSQL by URL (several
 * stores may share a database, one schema each), schema versions applied by Flyway from
 * {@code db/migration}. Dialect differences (connection settings, the append lock) live in {@link
 * gatehouse.store.Dialect} and nowhere else.
 */
package gatehouse.store;
