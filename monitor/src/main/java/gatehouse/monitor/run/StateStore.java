package gatehouse.monitor.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gatehouse.monitor.alarm.AlarmEngine;
import gatehouse.monitor.alarm.AlarmState;
import gatehouse.monitor.alarm.Datapoint;
import gatehouse.monitor.alarm.Transition;
import gatehouse.monitor.ingest.FileMark;
import gatehouse.store.Dialect;
import gatehouse.store.Store;
import gatehouse.store.StoreException;
import gatehouse.store.Transactions;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The persisted state of one monitor scope in the {@link Store} (tables of {@code V3__monitor_state.sql}): the input
 * position, the alarm engine's snapshot, the ids of events that fed open periods, and every transition with whether
 * its actions ran. {@link #checkpoint} writes all of it in one transaction, so a process killed at any instant
 * restarts from one consistent moment. One instance uses one connection, its own or one it shares with other scopes
 * used from the same thread (the partitions of one Kafka consumer); not thread-safe. Close it.
 */
final class StateStore implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Marks a stored event id that is encoded (see {@link #storedId}); no real id is expected to start with it. */
    private static final char ENCODED = '\u0001';

    private final Connection c;
    private final boolean owned;
    private final boolean postgres;
    private final String scope;

    /** Counters of a run that continue across restarts. */
    record Counters(long events, long duplicates, long lateEvents, long untimed) {}

    /** What a previous run left. */
    record Saved(String inputs, long position, AlarmEngine.Snapshot snapshot, Counters counters, Map<String, Long> seen) {}

    /** The state of {@code scope} on a connection of its own, closed with it. */
    StateStore(Store store, String scope) {
        this(store, store.connect(), true, scope);
    }

    /** The state of {@code scope} on {@code shared}, a connection of {@code store} that the caller closes. */
    StateStore(Store store, Connection shared, String scope) {
        this(store, shared, false, scope);
    }

    private StateStore(Store store, Connection c, boolean owned, String scope) {
        this.c = c;
        this.owned = owned;
        this.postgres = store.dialect() == Dialect.POSTGRESQL;
        this.scope = scope;
    }

    /**
     * The saved state, or null when the scope has none. Read in one transaction, so a checkpoint another connection
     * commits meanwhile (a partition's previous owner flushing) is seen whole or not at all: on PostgreSQL the
     * transaction is REPEATABLE READ (one snapshot for all its queries; READ COMMITTED takes one per query), on SQLite
     * any transaction reads one snapshot.
     */
    Saved load() throws SQLException {
        if (!postgres) {
            return Transactions.run(c, x -> read());
        }
        int isolation = c.getTransactionIsolation();
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            return Transactions.run(c, x -> read());
        } finally {
            c.setTransactionIsolation(isolation);
        }
    }

    private Saved read() throws SQLException {
        String inputs;
        long position;
        long max;
        long min;
        long seq;
        Counters counters;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT inputs, position, max_event_ms, min_event_ms, seq, counters FROM monitor_checkpoints WHERE scope = ?")) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                inputs = rs.getString(1);
                position = rs.getLong(2);
                max = rs.getLong(3);
                min = rs.getLong(4);
                seq = rs.getLong(5);
                JsonNode n = tree(rs.getString(6));
                counters = new Counters(n.path("events").asLong(), n.path("duplicates").asLong(),
                        n.path("lateEvents").asLong(), n.path("untimed").asLong());
            }
        }
        List<AlarmEngine.AlarmSnapshot> alarms = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT alarm, fingerprint, state, reason, state_time_ms, next_eval_ms,"
                + " transitions, late, windows FROM monitor_alarms WHERE scope = ? ORDER BY alarm")) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<AlarmEngine.WindowState> ws = new ArrayList<>();
                    for (JsonNode w : tree(rs.getString(9))) {
                        double[] samples = null;
                        if (w.has("samples")) {
                            samples = new double[w.get("samples").size()];
                            for (int i = 0; i < samples.length; i++) {
                                samples[i] = w.get("samples").get(i).asDouble();
                            }
                        }
                        ws.add(new AlarmEngine.WindowState(w.get("start").asLong(), w.get("count").asLong(),
                                w.get("sum").asDouble(), w.get("min").asDouble(), w.get("max").asDouble(), samples));
                    }
                    alarms.add(new AlarmEngine.AlarmSnapshot(rs.getString(1), rs.getString(2), AlarmState.valueOf(rs.getString(3)),
                            rs.getString(4), rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), ws));
                }
            }
        }
        Map<String, Long> seen = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, time_ms FROM monitor_seen WHERE scope = ?")) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seen.put(eventId(rs.getString(1)), rs.getLong(2));
                }
            }
        }
        return new Saved(inputs, position, new AlarmEngine.Snapshot(max, min, seq, alarms), counters, seen);
    }

    /** Removes everything of the scope (a fresh start). */
    void reset() throws SQLException {
        Transactions.run(c, x -> {
            for (String t : List.of("monitor_checkpoints", "monitor_alarms", "monitor_seen", "monitor_transitions", "monitor_files")) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE scope = ?")) {
                    ps.setString(1, scope);
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /**
     * Commits one consistent moment: position, engine snapshot, counters, the seen ids added since the last
     * checkpoint (and the removal of those older than {@code pruneBefore}), and the new transitions, undelivered.
     */
    void checkpoint(String inputs, long position, AlarmEngine.Snapshot snap, Counters counters, Map<String, Long> newIds,
                    long pruneBefore, List<Transition> transitions) throws SQLException {
        checkpoint(inputs, position, snap, counters, newIds, pruneBefore, transitions, Map.of());
    }

    /**
     * {@link #checkpoint} that also records, in the same transaction, how far the followed files were read.
     *
     * <p>The scope's checkpoint row is written first, as an upsert: on PostgreSQL that locks the row (or, for a new
     * scope, its key), so a second writer of the same scope waits until the first commits and then replaces its rows
     * whole, where a delete-then-insert under READ COMMITTED would miss the rows the first just committed and fail on
     * their keys. SQLite's IMMEDIATE transactions serialise writers anyway.
     */
    void checkpoint(String inputs, long position, AlarmEngine.Snapshot snap, Counters counters, Map<String, Long> newIds,
                    long pruneBefore, List<Transition> transitions, Map<String, FileMark> files) throws SQLException {
        Transactions.run(c, x -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO monitor_checkpoints (scope, inputs, position, max_event_ms,"
                    + " min_event_ms, seq, counters, updated_ms) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (scope) DO UPDATE SET"
                    + " inputs = excluded.inputs, position = excluded.position, max_event_ms = excluded.max_event_ms,"
                    + " min_event_ms = excluded.min_event_ms, seq = excluded.seq, counters = excluded.counters,"
                    + " updated_ms = excluded.updated_ms")) {
                ps.setString(1, scope);
                ps.setString(2, inputs);
                ps.setLong(3, position);
                ps.setLong(4, snap.maxEventMs());
                ps.setLong(5, snap.minEventMs());
                ps.setLong(6, snap.seq());
                ObjectNode n = JSON.createObjectNode().put("events", counters.events()).put("duplicates", counters.duplicates())
                        .put("lateEvents", counters.lateEvents()).put("untimed", counters.untimed());
                ps.setString(7, n.toString());
                ps.setLong(8, System.currentTimeMillis());
                ps.executeUpdate();
            }
            if (!files.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO monitor_files (scope, path, size, mtime_ms, records,"
                        + " status) VALUES (?,?,?,?,?,?) ON CONFLICT (scope, path) DO UPDATE SET size = excluded.size,"
                        + " mtime_ms = excluded.mtime_ms, records = excluded.records, status = excluded.status")) {
                    for (FileMark f : files.values()) {
                        ps.setString(1, scope);
                        ps.setString(2, f.path());
                        ps.setLong(3, f.size());
                        ps.setLong(4, f.mtimeMs());
                        ps.setLong(5, f.records());
                        ps.setString(6, f.status().name().toLowerCase(java.util.Locale.ROOT));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            try (PreparedStatement del = c.prepareStatement("DELETE FROM monitor_alarms WHERE scope = ?")) {
                del.setString(1, scope);
                del.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO monitor_alarms (scope, alarm, fingerprint, state, reason,"
                    + " state_time_ms, next_eval_ms, transitions, late, windows) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
                for (AlarmEngine.AlarmSnapshot a : snap.alarms()) {
                    ArrayNode ws = JSON.createArrayNode();
                    for (AlarmEngine.WindowState w : a.windows()) {
                        ObjectNode o = ws.addObject().put("start", w.startMs()).put("count", w.count()).put("sum", w.sum())
                                .put("min", w.min()).put("max", w.max());
                        if (w.samples() != null) {
                            ArrayNode s = o.putArray("samples");
                            for (double v : w.samples()) {
                                s.add(v);
                            }
                        }
                    }
                    ps.setString(1, scope);
                    ps.setString(2, a.name());
                    ps.setString(3, a.fingerprint());
                    ps.setString(4, a.state().name());
                    ps.setString(5, a.reason());
                    ps.setLong(6, a.stateTimeMs());
                    ps.setLong(7, a.nextEvalMs());
                    ps.setLong(8, a.transitions());
                    ps.setLong(9, a.late());
                    ps.setString(10, ws.toString());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            if (pruneBefore != Long.MIN_VALUE) {
                try (PreparedStatement del = c.prepareStatement("DELETE FROM monitor_seen WHERE scope = ? AND time_ms < ?")) {
                    del.setString(1, scope);
                    del.setLong(2, pruneBefore);
                    del.executeUpdate();
                }
            }
            if (!newIds.isEmpty()) {
                // the time of an id stored again is the latest, as in the run's memory
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO monitor_seen (scope, event_id, time_ms) VALUES (?,?,?)"
                        + " ON CONFLICT (scope, event_id) DO UPDATE SET time_ms = excluded.time_ms")) {
                    for (Map.Entry<String, Long> e : newIds.entrySet()) {
                        ps.setString(1, scope);
                        ps.setString(2, storedId(e.getKey()));
                        ps.setLong(3, e.getValue());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            if (!transitions.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO monitor_transitions (scope, seq, alarm, old_state,"
                        + " new_state, reason, time_ms, details, delivered) VALUES (?,?,?,?,?,?,?,?,0)")) {
                    for (Transition t : transitions) {
                        ps.setString(1, scope);
                        ps.setLong(2, t.seq());
                        ps.setString(3, t.alarm());
                        ps.setString(4, t.oldState().name());
                        ps.setString(5, t.newState().name());
                        ps.setString(6, t.reason());
                        ps.setLong(7, t.timestamp().toEpochMilli());
                        ps.setString(8, details(t));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return null;
        });
    }

    /**
     * An event id as stored. Ids come from the stream, so they may hold what a database column cannot keep: NUL
     * (PostgreSQL's text refuses it, failing the whole checkpoint) or an unpaired surrogate (both drivers write it
     * as UTF-8 '?', so after a restart the id no longer matches and a repeat counts again). Such an id, and one that
     * starts with the marker, is stored as the marker and the Base64 of its UTF-16 code units; every other id as it is.
     */
    static String storedId(String id) {
        boolean plain = id.isEmpty() || id.charAt(0) != ENCODED;
        for (int i = 0; plain && i < id.length(); i++) {
            char ch = id.charAt(i);
            if (ch == 0) {
                plain = false;
            } else if (Character.isHighSurrogate(ch) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                plain = false;
            }
        }
        if (plain) {
            return id;
        }
        // the code units as they are: String.getBytes would replace an unpaired surrogate
        ByteBuffer units = ByteBuffer.allocate(2 * id.length());
        units.asCharBuffer().put(id);
        return ENCODED + Base64.getEncoder().withoutPadding().encodeToString(units.array());
    }

    /** The event id a stored one stands for (the inverse of {@link #storedId}). */
    static String eventId(String stored) {
        if (stored.isEmpty() || stored.charAt(0) != ENCODED) {
            return stored;
        }
        byte[] units;
        try {
            units = Base64.getDecoder().decode(stored.substring(1));
        } catch (IllegalArgumentException e) {
            return stored; // stored as it was before ids were encoded
        }
        return units.length % 2 == 0 ? ByteBuffer.wrap(units).asCharBuffer().toString() : stored;
    }

    /** How far each followed file was read, by path. */
    Map<String, FileMark> files() throws SQLException {
        Map<String, FileMark> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT path, size, mtime_ms, records, status FROM monitor_files WHERE scope = ?")) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new FileMark(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                            FileMark.Status.valueOf(rs.getString(5).toUpperCase(java.util.Locale.ROOT))));
                }
            }
        }
        return out;
    }

    /** Transitions committed but whose actions have not run (the process stopped between the two), by seq. */
    List<Transition> undelivered() throws SQLException {
        List<Transition> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, alarm, old_state, new_state, reason, time_ms, details"
                + " FROM monitor_transitions WHERE scope = ? AND delivered = 0 ORDER BY seq")) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    JsonNode d = tree(rs.getString(7));
                    List<Datapoint> points = new ArrayList<>();
                    for (JsonNode p : d.path("datapoints")) {
                        Instant start = Instant.ofEpochMilli(p.get("start").asLong());
                        points.add(p.has("value") ? new Datapoint(start, p.get("value").asDouble(), p.get("samples").asLong())
                                : Datapoint.missing(start));
                    }
                    out.add(new Transition(rs.getString(2), rs.getLong(1), AlarmState.valueOf(rs.getString(3)),
                            AlarmState.valueOf(rs.getString(4)), rs.getString(5), Instant.ofEpochMilli(rs.getLong(6)), points,
                            d.path("threshold").asDouble()));
                }
            }
        }
        return out;
    }

    /** Marks transitions up to {@code seq} as delivered. */
    void delivered(long seq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE monitor_transitions SET delivered = 1 WHERE scope = ? AND seq <= ? AND delivered = 0")) {
            ps.setString(1, scope);
            ps.setLong(2, seq);
            ps.executeUpdate();
        }
    }

    /** Transitions stored for the scope. */
    long transitionCount() throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM monitor_transitions WHERE scope = ?")) {
            ps.setString(1, scope);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static String details(Transition t) {
        ObjectNode o = JSON.createObjectNode().put("threshold", t.threshold());
        ArrayNode pts = o.putArray("datapoints");
        for (Datapoint d : t.datapoints()) {
            ObjectNode p = pts.addObject().put("start", d.start().toEpochMilli());
            if (!d.isMissing()) {
                p.put("value", d.value()).put("samples", d.sampleCount());
            }
        }
        return o.toString();
    }

    private static JsonNode tree(String s) {
        try {
            return JSON.readTree(s);
        } catch (JsonProcessingException e) {
            throw new StoreException("corrupt monitor state in the store: " + e.getOriginalMessage(), e, false);
        }
    }

    @Override
    public void close() throws SQLException {
        if (owned) {
            c.close();
        }
    }
}
