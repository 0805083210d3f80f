package gatehouse.pipeline.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import gatehouse.pipeline.run.RunRecord.ApprovalRecord;
import gatehouse.pipeline.run.RunRecord.StageRecord;
import gatehouse.pipeline.run.RunRecord.StepRecord;
import gatehouse.store.Store;
import gatehouse.store.StoreException;
import gatehouse.store.Transactions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs in the {@link Store} (tables of {@code V2__runs.sql}), their logs and reports as files under
 * {@code DIR/ID/}.
 *
 * <p>The records live in the store so that one place holds a run and the audit entries about it, backed up
 * together, and so that a team sharing a PostgreSQL store sees each other's runs ({@code gatehouse runs},
 * {@code show}, {@code approve}, {@code run --resume} from any machine). Each {@link #save} replaces the whole
 * record in one committed transaction: a crash leaves the previous state, never half of one, and the save is
 * durable (the store's commit settings) before the runner records the step in the audit log.
 *
 * <p>Runs saved by earlier versions as {@code DIR/ID/run.json} are imported on first use: each is copied into the
 * store unless the store already holds that run, and its file renamed {@code run.imported.json} (kept for
 * reference, no longer read).
 *
 * <p>Thread-safe; every operation uses its own connection.
 */
public final class RunStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final String LEGACY_FILE = "run.json";
    private static final String IMPORTED_FILE = "run.imported.json";
    private static final String RUN_COLUMNS =
            "id, pipeline, file, actor, author, started, started_ms, finished, status, reason, record_version";

    private final Path dir;
    private final String url;
    private Store store;
    private boolean imported;

    /**
     * Runs in the store at {@code storeUrl} (opened, and created, on first use), files under {@code dir}.
     *
     * @param storeUrl a URL {@link Store#open} accepts, e.g. {@link Store#resolveUrl}'s answer
     */
    public RunStore(Path dir, String storeUrl) {
        this.dir = dir;
        this.url = storeUrl;
    }

    /**
     * The project's default layout: files under {@code dir} ({@code .gatehouse/runs}), records in the SQLite store
     * beside it ({@code .gatehouse/gatehouse.db}, which is {@link Store#DEFAULT_PATH}).
     */
    public RunStore(Path dir) {
        this(dir, "jdbc:sqlite:" + dir.toAbsolutePath().normalize().resolveSibling("gatehouse.db"));
    }

    /** Where the runs' files (logs, reports) are. */
    public Path dir() {
        return dir;
    }

    /** Where the records are, for messages: the store URL without any password. */
    public String where() {
        return Store.redact(url);
    }

    /** The directory of one run's files. */
    public Path runDir(String id) {
        return dir.resolve(id);
    }

    /**
     * Saves the whole record, replacing what the store held for its id, in one transaction.
     *
     * @throws StoreException when the store cannot be opened or written (nothing of this save is kept)
     */
    public void save(RunRecord run) {
        inTransaction("save run " + run.id, c -> {
            upsertRun(c, run);
            deleteChildren(c, run.id);
            insertChildren(c, run);
            return null;
        });
    }

    /** The run, or null when there is none with that id. */
    public RunRecord load(String id) {
        if (!id.matches("[A-Za-z0-9_.-]+")) {
            return null;
        }
        List<RunRecord> found = select("read run " + id, " WHERE id = ?", id);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Every run, newest first. */
    public List<RunRecord> list() {
        return select("list runs", "", null);
    }

    /** The runs of the pipeline named {@code pipeline}, newest first. */
    public List<RunRecord> list(String pipeline) {
        return select("list runs", " WHERE pipeline = ?", pipeline);
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // --- the store

    /** The store, opened and migrated once; with {@code create} false, null when a SQLite store does not exist yet. */
    private synchronized Store store(boolean create) {
        if (store == null) {
            boolean legacy = hasLegacyRuns();
            if (!create && !legacy && url.startsWith("jdbc:sqlite:") && !Files.exists(sqliteFile())) {
                return null; // reading an empty project: nothing to show, and no empty store left behind
            }
            store = Store.open(url, true);
        }
        if (!imported) {
            imported = true;
            importLegacy(store);
        }
        return store;
    }

    private Path sqliteFile() {
        String rest = url.substring("jdbc:sqlite:".length());
        rest = rest.startsWith("file:") ? rest.substring(5) : rest;
        int q = rest.indexOf('?');
        return Path.of(q >= 0 ? rest.substring(0, q) : rest);
    }

    private <T> T inTransaction(String what, Transactions.Work<T> work) {
        Store s = store(true);
        try (Connection c = s.connect()) {
            return Transactions.run(c, work);
        } catch (SQLException e) {
            throw new StoreException("cannot " + what + " in " + s.displayUrl() + ": " + oneLine(e), e, false);
        }
    }

    private List<RunRecord> select(String what, String where, String arg) {
        Store s = store(false);
        if (s == null) {
            return List.of();
        }
        try (Connection c = s.connect()) {
            // one transaction for a consistent picture: a save between the queries would otherwise mix two states
            c.setAutoCommit(false);
            try {
                return select(c, where, arg);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot " + what + " in " + s.displayUrl() + ": " + oneLine(e), e, false);
        }
    }

    private static void upsertRun(Connection c, RunRecord run) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO runs (" + RUN_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)"
                + " ON CONFLICT (id) DO UPDATE SET pipeline = excluded.pipeline, file = excluded.file, actor = excluded.actor,"
                + " author = excluded.author, started = excluded.started, started_ms = excluded.started_ms,"
                + " finished = excluded.finished, status = excluded.status, reason = excluded.reason,"
                + " record_version = excluded.record_version")) {
            bindRun(ps, run);
            ps.executeUpdate();
        }
    }

    /** Inserts the run unless the store has it; true when inserted. */
    private static boolean insertIfAbsent(Connection c, RunRecord run) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO runs (" + RUN_COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)"
                + " ON CONFLICT (id) DO NOTHING")) {
            bindRun(ps, run);
            return ps.executeUpdate() == 1;
        }
    }

    private static void bindRun(PreparedStatement ps, RunRecord run) throws SQLException {
        ps.setString(1, run.id);
        ps.setString(2, run.pipeline);
        ps.setString(3, run.file);
        ps.setString(4, run.actor);
        ps.setString(5, run.author);
        ps.setString(6, run.started);
        ps.setLong(7, epochMillis(run.started));
        ps.setString(8, run.finished);
        ps.setString(9, run.status == null ? RunRecord.RUNNING : run.status);
        ps.setString(10, run.reason);
        ps.setInt(11, run.schemaVersion);
    }

    private static void deleteChildren(Connection c, String id) throws SQLException {
        for (String table : List.of("run_step_outputs", "run_steps", "run_stages", "run_approvals")) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE run_id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
        }
    }

    private static void insertChildren(Connection c, RunRecord run) throws SQLException {
        try (PreparedStatement stage = c.prepareStatement(
                     "INSERT INTO run_stages (run_id, ord, name, environment, status, reason) VALUES (?,?,?,?,?,?)");
             PreparedStatement step = c.prepareStatement("INSERT INTO run_steps (run_id, stage_ord, ord, name, kind, status,"
                     + " message, started, millis, decision, findings, risk, report) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
             PreparedStatement output = c.prepareStatement(
                     "INSERT INTO run_step_outputs (run_id, stage_ord, step_ord, ord, path, sha256) VALUES (?,?,?,?,?,?)");
             PreparedStatement approval = c.prepareStatement("INSERT INTO run_approvals (run_id, ord, stage, approver,"
                     + " approved_at, comment, keyid, signature) VALUES (?,?,?,?,?,?,?,?)")) {
            for (int i = 0; i < run.stages.size(); i++) {
                StageRecord s = run.stages.get(i);
                stage.setString(1, run.id);
                stage.setInt(2, i);
                stage.setString(3, s.name);
                stage.setString(4, s.environment);
                stage.setString(5, s.status);
                stage.setString(6, s.reason);
                stage.addBatch();
                for (int j = 0; j < s.steps.size(); j++) {
                    StepRecord st = s.steps.get(j);
                    step.setString(1, run.id);
                    step.setInt(2, i);
                    step.setInt(3, j);
                    step.setString(4, st.name);
                    step.setString(5, st.kind);
                    step.setString(6, st.status);
                    step.setString(7, st.message);
                    step.setString(8, st.started);
                    step.setLong(9, st.millis);
                    step.setString(10, st.decision);
                    step.setInt(11, st.findings);
                    step.setInt(12, st.risk);
                    step.setString(13, st.report);
                    step.addBatch();
                    int k = 0;
                    for (Map.Entry<String, String> o : st.outputs.entrySet()) {
                        output.setString(1, run.id);
                        output.setInt(2, i);
                        output.setInt(3, j);
                        output.setInt(4, k++);
                        output.setString(5, o.getKey());
                        output.setString(6, o.getValue());
                        output.addBatch();
                    }
                }
            }
            for (int i = 0; i < run.approvals.size(); i++) {
                ApprovalRecord a = run.approvals.get(i);
                approval.setString(1, run.id);
                approval.setInt(2, i);
                approval.setString(3, a.stage);
                approval.setString(4, a.approver);
                approval.setString(5, a.time);
                approval.setString(6, a.comment);
                approval.setString(7, a.keyid);
                approval.setString(8, a.signature);
                approval.addBatch();
            }
            // parents before children: the foreign keys are checked row by row
            stage.executeBatch();
            step.executeBatch();
            output.executeBatch();
            approval.executeBatch();
        }
    }

    /** The runs {@code where} selects (with {@code arg} bound when not null), newest first, with everything they hold. */
    private static List<RunRecord> select(Connection c, String where, String arg) throws SQLException {
        Map<String, RunRecord> runs = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + RUN_COLUMNS + " FROM runs" + where
                + " ORDER BY started_ms DESC, id DESC")) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    RunRecord r = new RunRecord();
                    r.id = rs.getString(1);
                    r.pipeline = rs.getString(2);
                    r.file = rs.getString(3);
                    r.actor = rs.getString(4);
                    r.author = rs.getString(5);
                    r.started = rs.getString(6);
                    r.finished = rs.getString(8);
                    r.status = rs.getString(9);
                    r.reason = rs.getString(10);
                    r.schemaVersion = rs.getInt(11);
                    runs.put(r.id, r);
                }
            }
        }
        if (runs.isEmpty()) {
            return List.of();
        }
        // children of the selected runs: the same condition, on the runs their run_id names
        String children = where.isEmpty() ? "" : " WHERE run_id IN (SELECT id FROM runs" + where + ")";
        Map<String, List<StageRecord>> stagesByRun = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT run_id, name, environment, status, reason FROM run_stages"
                + children + " ORDER BY run_id, ord")) {
            bind(ps, arg);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StageRecord s = new StageRecord(rs.getString(2), rs.getString(3));
                    s.status = rs.getString(4);
                    s.reason = rs.getString(5);
                    RunRecord r = runs.get(rs.getString(1));
                    if (r != null) {
                        r.stages.add(s);
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT run_id, stage_ord, name, kind, status, message, started, millis,"
                + " decision, findings, risk, report FROM run_steps" + children + " ORDER BY run_id, stage_ord, ord")) {
            bind(ps, arg);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    StepRecord st = new StepRecord();
                    st.name = rs.getString(3);
                    st.kind = rs.getString(4);
                    st.status = rs.getString(5);
                    st.message = rs.getString(6);
                    st.started = rs.getString(7);
                    st.millis = rs.getLong(8);
                    st.decision = rs.getString(9);
                    st.findings = rs.getInt(10);
                    st.risk = rs.getInt(11);
                    st.report = rs.getString(12);
                    stage(runs, rs.getString(1), rs.getInt(2)).steps.add(st);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT run_id, stage_ord, step_ord, path, sha256 FROM run_step_outputs"
                + children + " ORDER BY run_id, stage_ord, step_ord, ord")) {
            bind(ps, arg);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stage(runs, rs.getString(1), rs.getInt(2)).steps.get(rs.getInt(3)).outputs.put(rs.getString(4), rs.getString(5));
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT run_id, stage, approver, approved_at, comment, keyid, signature"
                + " FROM run_approvals" + children + " ORDER BY run_id, ord")) {
            bind(ps, arg);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ApprovalRecord a = new ApprovalRecord(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5));
                    a.keyid = rs.getString(6);
                    a.signature = rs.getString(7);
                    RunRecord r = runs.get(rs.getString(1));
                    if (r != null) {
                        r.approvals.add(a);
                    }
                }
            }
        }
        return new ArrayList<>(runs.values());
    }

    private static void bind(PreparedStatement ps, String arg) throws SQLException {
        if (arg != null) {
            ps.setString(1, arg);
        }
    }

    /** The stage at {@code ord} of run {@code id}; stages are read in ord order, so ord is the list index. */
    private static StageRecord stage(Map<String, RunRecord> runs, String id, int ord) throws SQLException {
        RunRecord r = runs.get(id);
        if (r == null || ord >= r.stages.size()) {
            throw new SQLException("run " + id + ": a step refers to stage " + ord + ", which the store does not hold");
        }
        return r.stages.get(ord);
    }

    private static long epochMillis(String instant) {
        if (instant == null) {
            return 0;
        }
        try {
            return Instant.parse(instant).toEpochMilli();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m).strip();
    }

    // --- runs saved as files by earlier versions

    private boolean hasLegacyRuns() {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> Files.isRegularFile(p.resolve(LEGACY_FILE)));
        } catch (IOException e) {
            return false;
        }
    }

    /** Copies every {@code DIR/ID/run.json} the store does not hold into it, then renames the file. */
    private void importLegacy(Store s) {
        if (!hasLegacyRuns()) {
            return;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.map(p -> p.resolve(LEGACY_FILE)).filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        for (Path f : files) {
            RunRecord run;
            try {
                run = JSON.readValue(f.toFile(), RunRecord.class);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f + " (a run saved by an earlier Gatehouse) to import it", e);
            }
            if (run.id == null || !run.id.equals(f.getParent().getFileName().toString())) {
                throw new IllegalStateException(f + ": its id " + run.id + " is not its directory's name; move or remove it");
            }
            try (Connection c = s.connect()) {
                c.setAutoCommit(false);
                try {
                    if (insertIfAbsent(c, run)) {
                        insertChildren(c, run);
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            } catch (SQLException e) {
                throw new StoreException("cannot import " + f + " into " + s.displayUrl() + ": " + oneLine(e), e, false);
            }
            try {
                Files.move(f, f.resolveSibling(IMPORTED_FILE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("imported " + f + " but cannot rename it to " + IMPORTED_FILE, e);
            }
        }
    }
}
