package gatehouse.audit;

import gatehouse.store.Store;
import gatehouse.store.StoreException;
import gatehouse.store.Transactions;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The audit log in a {@link Store}: appends entries to the hash chain, seals it with checkpoints, reads it back.
 *
 * <p>Every {@link #append} is one committed transaction before it returns, so an action the caller reports done is
 * on disk first (SQLite: WAL, {@code synchronous=FULL}; PostgreSQL: {@code synchronous_commit=on}). Appenders in any
 * number of threads and processes serialise on the store's append lock, each reading the tip the previous one
 * committed: the chain stays linear. A checkpoint is written in the same transaction as every
 * {@link Options#checkpointEvery}-th entry when a signing key is configured, and on demand by {@link #checkpoint}.
 *
 * <p>One instance holds one connection; its methods are synchronized. Close it when done.
 */
public final class AuditLog implements AutoCloseable {
    /** Default number of entries between automatic checkpoints. */
    public static final int DEFAULT_CHECKPOINT_EVERY = 100;

    private static final String COLUMNS = "seq, time_ms, actor, action, subject, result, details, prev_hash, hash";

    /**
     * How the log behaves.
     *
     * @param signer signs checkpoints; null: none are written
     * @param checkpointEvery an automatic checkpoint after every this many entries (0: only on demand)
     * @param clock where entry and checkpoint times come from (UTC milliseconds)
     */
    public record Options(AuditKeys.Signer signer, int checkpointEvery, Clock clock) {
        public Options {
            if (checkpointEvery < 0) {
                throw new IllegalArgumentException("checkpointEvery must be >= 0: " + checkpointEvery);
            }
            Objects.requireNonNull(clock, "clock");
        }

        /** No signing key, system UTC clock. */
        public static Options defaults() {
            return new Options(null, DEFAULT_CHECKPOINT_EVERY, Clock.systemUTC());
        }

        public Options withSigner(AuditKeys.Signer s) {
            return new Options(s, checkpointEvery, clock);
        }
    }

    /** A filter for {@link #entries}: each part null or non-positive for "any". {@code limit}: the newest this many. */
    public record Query(Instant since, String actor, String action, int limit) {
        public static Query all() {
            return new Query(null, null, null, 0);
        }
    }

    private final Store store;
    private final Options options;
    private Connection connection;

    private AuditLog(Store store, Options options) {
        this.store = store;
        this.options = options;
    }

    /** The log in {@code store}, without a signing key (no checkpoints). */
    public static AuditLog open(Store store) {
        return open(store, Options.defaults());
    }

    public static AuditLog open(Store store, Options options) {
        return new AuditLog(store, options);
    }

    public Options options() {
        return options;
    }

    /**
     * Appends one entry and returns it once committed.
     *
     * @param details free-form facts (JSON-representable values: strings, numbers, booleans, null, maps, lists), stored
     *     as canonical JSON; null for none. Never put secrets here: the log is meant to be read and exported.
     * @throws StoreException when the store cannot be written (nothing was appended)
     */
    public synchronized AuditEntry append(String actor, String action, String subject, String result, Map<String, ?> details) {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        String json = Json.canonical(details);
        return inTransaction(c -> {
            store.lockForAppend(c);
            AuditEntry tip = tip(c);
            long seq = tip == null ? 1 : tip.seq() + 1;
            String prev = tip == null ? AuditEntry.GENESIS : tip.hash();
            AuditEntry e = AuditEntry.create(seq, options.clock().millis(), actor, action, Objects.toString(subject, ""),
                    Objects.toString(result, ""), json, prev);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_entries (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?)")) {
                ps.setLong(1, e.seq());
                ps.setLong(2, e.timeMs());
                ps.setString(3, e.actor());
                ps.setString(4, e.action());
                ps.setString(5, e.subject());
                ps.setString(6, e.result());
                ps.setString(7, e.details());
                ps.setString(8, e.prevHash());
                ps.setString(9, e.hash());
                ps.executeUpdate();
            }
            if (options.signer() != null && options.checkpointEvery() > 0 && seq % options.checkpointEvery() == 0) {
                insertCheckpoint(c, e);
            }
            return e;
        });
    }

    /**
     * Seals the current tip with a signed checkpoint now (the existing one if the tip is already sealed).
     *
     * @return the checkpoint, or null when the log is empty
     * @throws IllegalStateException when no signing key is configured
     */
    public synchronized Checkpoint checkpoint() {
        if (options.signer() == null) {
            throw new IllegalStateException("no signing key configured");
        }
        return inTransaction(c -> {
            store.lockForAppend(c);
            AuditEntry tip = tip(c);
            if (tip == null) {
                return null;
            }
            for (Checkpoint cp : checkpoints(c, tip.seq())) {
                return cp;
            }
            return insertCheckpoint(c, tip);
        });
    }

    /** Entries matching {@code q}, oldest first. */
    public synchronized List<AuditEntry> entries(Query q) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_entries WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (q.since() != null) {
            sql.append(" AND time_ms >= ?");
            args.add(q.since().toEpochMilli());
        }
        if (q.actor() != null) {
            sql.append(" AND actor = ?");
            args.add(q.actor());
        }
        if (q.action() != null) {
            sql.append(" AND action = ?");
            args.add(q.action());
        }
        sql.append(" ORDER BY seq DESC");
        if (q.limit() > 0) {
            sql.append(" LIMIT ").append(q.limit());
        }
        return read(c -> {
            List<AuditEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(entry(rs));
                    }
                }
            }
            Collections.reverse(out);
            return out;
        });
    }

    /** Every checkpoint, by seq. */
    public synchronized List<Checkpoint> checkpoints() {
        return read(c -> checkpoints(c, -1));
    }

    /** Verifies the whole stored chain and its checkpoints against {@code publicKeys} (see {@link AuditVerifier}). */
    public AuditVerifier.Report verify(List<PublicKey> publicKeys) {
        Snapshot s = snapshot();
        return AuditVerifier.verify(s.entries(), s.checkpoints(), publicKeys);
    }

    /** Writes every entry and checkpoint as JSON lines (see {@link AuditExport}). */
    public void export(java.io.Writer out) throws java.io.IOException {
        Snapshot s = snapshot();
        AuditExport.write(s.entries(), s.checkpoints(), out);
    }

    /** All entries and checkpoints. */
    public record Snapshot(List<AuditEntry> entries, List<Checkpoint> checkpoints) {}

    /**
     * Checkpoints, then entries. In that order no transaction is needed for a consistent pair: a checkpoint is
     * committed with or after the entry it seals, so every checkpoint read has its entry in the later read, and
     * entries appended in between only extend the tip.
     */
    public synchronized Snapshot snapshot() {
        return read(c -> {
            List<Checkpoint> cps = checkpoints(c, -1);
            return new Snapshot(readAll(c), cps);
        });
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // closing after all work committed: nothing is lost
            }
            connection = null;
        }
    }

    private Checkpoint insertCheckpoint(Connection c, AuditEntry at) throws SQLException {
        AuditKeys.Signer s = options.signer();
        long time = options.clock().millis();
        String text = Checkpoint.signedText(at.seq(), at.hash(), time, s.keyId());
        Checkpoint cp = new Checkpoint(at.seq(), at.hash(), time, s.keyId(),
                s.sign(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit_checkpoints (seq, hash, time_ms, key_id, signature) VALUES (?,?,?,?,?)")) {
            ps.setLong(1, cp.seq());
            ps.setString(2, cp.hash());
            ps.setLong(3, cp.timeMs());
            ps.setString(4, cp.keyId());
            ps.setString(5, cp.signature());
            ps.executeUpdate();
        }
        return cp;
    }

    private static AuditEntry tip(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM audit_entries ORDER BY seq DESC LIMIT 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? entry(rs) : null;
        }
    }

    private static List<AuditEntry> readAll(Connection c) throws SQLException {
        List<AuditEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM audit_entries ORDER BY seq");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(entry(rs));
            }
        }
        return out;
    }

    /** Checkpoints by seq; only the one at {@code atSeq} when it is not negative. */
    private static List<Checkpoint> checkpoints(Connection c, long atSeq) throws SQLException {
        String sql = "SELECT seq, hash, time_ms, key_id, signature FROM audit_checkpoints"
                + (atSeq >= 0 ? " WHERE seq = ?" : "") + " ORDER BY seq";
        List<Checkpoint> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (atSeq >= 0) {
                ps.setLong(1, atSeq);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Checkpoint(rs.getLong(1), Objects.toString(rs.getString(2), ""), rs.getLong(3),
                            Objects.toString(rs.getString(4), ""), Objects.toString(rs.getString(5), "")));
                }
            }
        }
        return out;
    }

    private static AuditEntry entry(ResultSet rs) throws SQLException {
        return new AuditEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9));
    }

    private Connection connection() {
        if (connection == null) {
            connection = store.connect();
        }
        return connection;
    }

    private <T> T read(Transactions.Work<T> work) {
        try {
            return work.run(connection());
        } catch (SQLException e) {
            throw new StoreException("cannot read the audit log in " + store.displayUrl() + ": " + oneLine(e), e, false);
        }
    }

    private <T> T inTransaction(Transactions.Work<T> work) {
        Connection c = connection();
        try {
            return Transactions.run(c, work);
        } catch (SQLException e) {
            close(); // a broken connection is not reused
            throw new StoreException("cannot write the audit log in " + store.displayUrl() + ": " + oneLine(e), e, false);
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m).strip();
    }
}
