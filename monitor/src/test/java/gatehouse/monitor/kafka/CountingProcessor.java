package gatehouse.monitor.kafka;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simplest stateful processor, as the alarm engine will be one: per-account event counts and the last sequence
 * number seen per account, kept in a real SQLite file shared by every consumer of the group (as a team would share
 * one PostgreSQL store), with each partition's watermark written in the same transaction as its counts.
 *
 * <p>Events carry {@code sequence}, increasing per account; an event whose sequence is not above the stored one is
 * an order violation (or a repeat that got through) and is counted as such, so tests can assert there are none.
 * {@link #crashAfterFlushes} simulates a process that dies right after its state was made durable but before the
 * source committed the offsets to Kafka.
 */
final class CountingProcessor implements PartitionedProcessor {
    private final Connection db;
    /** Pending increments per partition, then account. */
    private final Map<Partition, Map<String, Long>> pending = new HashMap<>();
    private final Map<Partition, Map<String, Long>> pendingLastSeq = new HashMap<>();
    private final Map<Partition, Long> pendingWatermark = new HashMap<>();
    /** Last sequence per account as of the stored state plus pending work, for the order check. */
    private final Map<Partition, Map<String, Long>> lastSeq = new HashMap<>();
    private final Map<Partition, Long> pendingViolations = new HashMap<>();
    private final java.util.Set<Partition> owned = new java.util.TreeSet<>();
    private final java.util.Set<Partition> everAssigned = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final long delayPerBatchMillis;
    private int crashAfterFlushes = -1;
    private int flushes;
    volatile long processed;

    CountingProcessor(Path file, long delayPerBatchMillis) throws SQLException {
        this.db = DriverManager.getConnection("jdbc:sqlite:" + file);
        this.delayPerBatchMillis = delayPerBatchMillis;
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA busy_timeout = 20000");
            s.execute("PRAGMA journal_mode = WAL");
            s.execute("PRAGMA synchronous = FULL");
            s.execute("CREATE TABLE IF NOT EXISTS counts (account TEXT PRIMARY KEY, part INTEGER NOT NULL, n INTEGER NOT NULL, last_seq INTEGER NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS watermarks (topic TEXT NOT NULL, part INTEGER NOT NULL, last_offset INTEGER NOT NULL, PRIMARY KEY (topic, part))");
            s.execute("CREATE TABLE IF NOT EXISTS violations (part INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
        }
        db.setAutoCommit(false);
        db.commit();
    }

    /** After this many successful flushes, the next flush writes durably and then throws, as a crash would. */
    CountingProcessor crashAfterFlushes(int n) {
        this.crashAfterFlushes = n;
        return this;
    }

    @Override
    public Map<Partition, Long> onAssigned(Collection<Partition> partitions) {
        Map<Partition, Long> marks = new TreeMap<>();
        try (PreparedStatement q = db.prepareStatement("SELECT last_offset FROM watermarks WHERE topic = ? AND part = ?");
                PreparedStatement seqs = db.prepareStatement("SELECT account, last_seq FROM counts WHERE part = ?")) {
            for (Partition p : partitions) {
                q.setString(1, p.topic());
                q.setInt(2, p.number());
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        marks.put(p, rs.getLong(1));
                    }
                }
                seqs.setInt(1, p.number());
                try (ResultSet rs = seqs.executeQuery()) {
                    Map<String, Long> m = lastSeq.computeIfAbsent(p, k -> new HashMap<>());
                    while (rs.next()) {
                        m.put(rs.getString(1), rs.getLong(2));
                    }
                }
                owned.add(p);
                everAssigned.add(p);
            }
            db.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return marks;
    }

    @Override
    public void process(Batch batch) {
        for (PartitionedEvent e : batch.events()) {
            if (!owned.contains(e.partition())) {
                throw new AssertionError("event of a partition not assigned here: " + e.partition());
            }
            String account = RecordCodec.accountKey(e.event().record());
            long seq = e.event().record().path("sequence").asLong();
            Map<String, Long> seqs = lastSeq.get(e.partition());
            Long before = seqs.get(account);
            if (before != null && seq <= before) {
                pendingViolations.merge(e.partition(), 1L, Long::sum);
            } else {
                seqs.put(account, seq);
                pendingLastSeq.computeIfAbsent(e.partition(), k -> new HashMap<>()).put(account, seq);
            }
            pending.computeIfAbsent(e.partition(), k -> new HashMap<>()).merge(account, 1L, Long::sum);
            processed++;
        }
        pendingWatermark.putAll(batch.lastOffsets());
        if (delayPerBatchMillis > 0) {
            try {
                Thread.sleep(delayPerBatchMillis);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void flush() {
        try (PreparedStatement up = db.prepareStatement("INSERT INTO counts (account, part, n, last_seq) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (account) DO UPDATE SET n = n + excluded.n, last_seq = max(last_seq, excluded.last_seq)");
                PreparedStatement wm = db.prepareStatement("INSERT INTO watermarks (topic, part, last_offset) VALUES (?, ?, ?) "
                        + "ON CONFLICT (topic, part) DO UPDATE SET last_offset = excluded.last_offset");
                PreparedStatement vi = db.prepareStatement("INSERT INTO violations (part, n) VALUES (?, ?) "
                        + "ON CONFLICT (part) DO UPDATE SET n = n + excluded.n")) {
            for (Map.Entry<Partition, Long> w : pendingWatermark.entrySet()) {
                Partition p = w.getKey();
                Map<String, Long> seqs = pendingLastSeq.getOrDefault(p, Map.of());
                for (Map.Entry<String, Long> c : pending.getOrDefault(p, Map.of()).entrySet()) {
                    up.setString(1, c.getKey());
                    up.setInt(2, p.number());
                    up.setLong(3, c.getValue());
                    up.setLong(4, seqs.getOrDefault(c.getKey(), -1L));
                    up.addBatch();
                }
                wm.setString(1, p.topic());
                wm.setInt(2, p.number());
                wm.setLong(3, w.getValue());
                wm.addBatch();
                Long v = pendingViolations.get(p);
                if (v != null) {
                    vi.setInt(1, p.number());
                    vi.setLong(2, v);
                    vi.addBatch();
                }
            }
            up.executeBatch();
            wm.executeBatch();
            vi.executeBatch();
            db.commit();
        } catch (SQLException e) {
            try {
                db.rollback();
            } catch (SQLException ignored) {
                // the flush failed anyway
            }
            throw new IllegalStateException("flush failed", e);
        }
        pending.clear();
        pendingLastSeq.clear();
        pendingWatermark.clear();
        pendingViolations.clear();
        if (crashAfterFlushes >= 0 && flushes++ == crashAfterFlushes) {
            throw new IllegalStateException("simulated crash after a durable flush, before the offset commit");
        }
    }

    @Override
    public void onRevoked(Collection<Partition> partitions) {
        forget(partitions);
    }

    @Override
    public void onLost(Collection<Partition> partitions) {
        forget(partitions);
    }

    private void forget(Collection<Partition> partitions) {
        for (Partition p : partitions) {
            pending.remove(p);
            pendingLastSeq.remove(p);
            pendingWatermark.remove(p);
            pendingViolations.remove(p);
            owned.remove(p);
            lastSeq.remove(p);
        }
    }

    /** Every partition ever assigned to this processor (safe to read from any thread). */
    java.util.Set<Partition> everAssigned() {
        return java.util.Set.copyOf(everAssigned);
    }

    void close() throws SQLException {
        db.close();
    }

    /** The stored counts of the SQLite file at {@code file}: account to count. */
    static Map<String, Long> counts(Path file) throws SQLException {
        return query(file, "SELECT account, n FROM counts");
    }

    /** The stored order violations (and repeats that got through), summed. */
    static long violations(Path file) throws SQLException {
        return query(file, "SELECT 'all', coalesce(sum(n), 0) FROM violations").getOrDefault("all", 0L);
    }

    /** Stored watermarks: partition number to last offset. */
    static Map<Integer, Long> watermarks(Path file) throws SQLException {
        Map<Integer, Long> m = new TreeMap<>();
        query(file, "SELECT CAST(part AS TEXT), last_offset FROM watermarks").forEach((k, v) -> m.put(Integer.parseInt(k), v));
        return m;
    }

    private static Map<String, Long> query(Path file, String sql) throws SQLException {
        Map<String, Long> m = new TreeMap<>();
        if (!java.nio.file.Files.exists(file)) {
            return m;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = 20000");
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    m.put(rs.getString(1), rs.getLong(2));
                }
            } catch (SQLException e) {
                if (e.getMessage().contains("no such table")) {
                    return m;
                }
                throw e;
            }
        }
        return m;
    }
}
