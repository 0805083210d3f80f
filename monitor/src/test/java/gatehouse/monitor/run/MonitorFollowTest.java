package gatehouse.monitor.run;

import static gatehouse.monitor.run.MonitorRunnerTest.benign;
import static gatehouse.monitor.run.MonitorRunnerTest.failure;
import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.core.Diagnostic;
import gatehouse.monitor.cis.CisPack;
import gatehouse.monitor.ingest.DirectoryFollower;
import gatehouse.store.EachStore;
import gatehouse.store.Store;
import gatehouse.store.TestStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --follow} over a real directory that a thread fills while the run follows it: renames into place, a later
 * dated folder, a gzip written in two halves, unsettled files, restarts (between files and in the middle of one).
 * Every run is compared with one uninterrupted batch run over the final directory: same counters, same alarm states.
 * The restart cases run on each store dialect ({@link EachStore}): the followed files' marks are resumed from it.
 */
class MonitorFollowTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    Path day(String yyyyMmDd) throws Exception {
        Path d = dir.resolve("AWSLogs/111122223333/CloudTrail/eu-west-1/" + yyyyMmDd.substring(0, 4) + "/"
                + yyyyMmDd.substring(4, 6) + "/" + yyyyMmDd.substring(6));
        Files.createDirectories(d);
        return d;
    }

    static String name(String stamp, String tag) {
        return "111122223333_CloudTrail_eu-west-1_" + stamp + "_" + tag + ".json.gz";
    }

    static byte[] trail(String... records) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(("{\"Records\":[" + String.join(",\n", records) + "]}").getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** Writes under a temporary name, then renames into place, as CloudTrail delivery and aws s3 sync do. */
    static Path deliver(Path folder, String name, byte[] data) throws Exception {
        Path tmp = folder.resolve(name + ".tmp");
        Files.write(tmp, data);
        return Files.move(tmp, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }

    static MonitorRunner.Options options(boolean flush) {
        return new MonitorRunner.Options("cis", Duration.ofMinutes(2), flush, false, 100_000, Duration.ofMillis(200));
    }

    /** A following run on its own thread. */
    final class Live {
        final Store store;
        final MonitorRunner runner;
        final DirectoryFollower follower;
        final List<MonitorRunner.Warning> warnings = new CopyOnWriteArrayList<>();
        final List<Diagnostic> errors = new CopyOnWriteArrayList<>();
        final Thread thread;
        volatile MonitorRunner.Summary summary;
        volatile Throwable failure;

        Live(Store store, boolean flush, Duration settle, java.util.function.Consumer<Live> onWarning) {
            this(store, options(flush), settle, onWarning, null);
        }

        Live(Store store, MonitorRunner.Options options, Duration settle, java.util.function.Consumer<Live> onWarning,
             gatehouse.monitor.alarm.AlarmListener listener) {
            this.store = store;
            runner = new MonitorRunner(CisPack.load(MonitorConfig.BUILT_IN_ACTIONS), store, options,
                    Map.of("log", LogAction.factory(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false)),
                    w -> {
                        warnings.add(w);
                        onWarning.accept(this);
                    });
            if (listener != null) {
                runner.onEveryTransition(listener);
            }
            follower = new DirectoryFollower(List.of(dir.resolve("AWSLogs")), Duration.ofMillis(50), settle);
            thread = Thread.ofPlatform().start(() -> {
                try {
                    summary = runner.runLive(List.of(follower), null, "AWSLogs", errors::add);
                } catch (Throwable t) {
                    failure = t;
                }
            });
        }

        Live(Store store, boolean flush) {
            this(store, flush, Duration.ZERO, l -> {});
        }

        /** Waits until {@code n} files are committed as read to their end. */
        void awaitDone(long n) throws Exception {
            await(() -> failure != null || countQuiet(store, "SELECT count(*) FROM monitor_files WHERE status = 'done'") >= n,
                    n + " files read");
            assertThat(failure).isNull();
        }

        MonitorRunner.Summary stop() throws Exception {
            runner.stop();
            thread.join(WAIT.toMillis());
            assertThat(thread.isAlive()).as("the run stopped").isFalse();
            assertThat(failure).isNull();
            return summary;
        }
    }

    static void await(BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** An uninterrupted batch run over the directory as it is now, in a store of its own. */
    MonitorRunner.Summary batch() throws Exception {
        Store store = Store.open("jdbc:sqlite:" + dir.resolve("batch-" + System.nanoTime() + ".db"), true);
        MonitorRunner r = new MonitorRunner(CisPack.load(MonitorConfig.BUILT_IN_ACTIONS), store, options(true),
                Map.of("log", LogAction.factory(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false)),
                w -> {});
        List<Diagnostic> errors = new ArrayList<>();
        MonitorRunner.Summary s = r.run(List.of(dir.resolve("AWSLogs").toString()), new ByteArrayInputStream(new byte[0]), errors::add, null);
        assertThat(errors).isEmpty();
        return s;
    }

    static List<String> states(MonitorRunner.Summary s) {
        return s.alarms().stream().map(a -> a.definition().name() + " " + a.state() + " " + a.reason()).toList();
    }

    static void assertSameOutcome(MonitorRunner.Summary live, MonitorRunner.Summary batch) {
        assertThat(live.events()).isEqualTo(batch.events());
        assertThat(live.duplicates()).isEqualTo(batch.duplicates());
        assertThat(live.lateEvents()).isEqualTo(batch.lateEvents());
        assertThat(live.transitions()).isEqualTo(batch.transitions());
        assertThat(states(live)).isEqualTo(states(batch));
    }

    Store store(String name) {
        return Store.open("jdbc:sqlite:" + dir.resolve(name), true);
    }

    @Test
    void filesDroppedWhileFollowingAreEachReadOnceAndEndLikeABatchRun() throws Exception {
        Path d1 = day("20261202");
        Live live = new Live(store("g.db"), true);
        deliver(d1, name("20261202T1005Z", "a"), trail(failure("f1", 10), failure("f2", 20), benign("b1", 30)));
        live.awaitDone(1);
        // a file written in place (settle 0: it may be caught half-written, which must not matter), a leftover
        // temporary and a hidden file (never read)
        Files.write(d1.resolve(name("20261202T1010Z", "b")), trail(failure("f3", 40), benign("b2", 200)));
        Files.write(d1.resolve(name("20261202T1015Z", "c") + ".part"), trail(failure("x1", 41), failure("x2", 42)));
        Files.write(d1.resolve("." + name("20261202T1015Z", "d")), trail(failure("x3", 43)));
        live.awaitDone(2);
        // a new dated folder, created after the run started, and an overlapping download repeating file a
        Path d2 = day("20261203");
        deliver(d2, name("20261203T0005Z", "e"), trail(failure("f1", 10), failure("f2", 20), benign("b3", 86_400)));
        live.awaitDone(3);
        MonitorRunner.Summary s = live.stop();
        assertThat(live.errors).isEmpty();
        assertThat(s.events()).isEqualTo(8);
        assertThat(s.duplicates()).isEqualTo(2);
        assertThat(alarmed(live.store)).isOne();
        assertThat(count(live.store, "SELECT count(*) FROM monitor_files")).isEqualTo(3);
        // what a batch run reads: the part and hidden files are skipped there too
        Files.delete(d1.resolve(name("20261202T1015Z", "c") + ".part"));
        assertSameOutcome(s, batch());
    }

    @EachStore
    void aRestartReadsOnlyTheNewFilesAndEndsLikeOneUninterruptedRun(TestStore t) throws Exception {
        Path d1 = day("20261202");
        deliver(d1, name("20261202T1005Z", "a"), trail(failure("f1", 10), benign("b1", 30)));
        deliver(d1, name("20261202T1010Z", "b"), trail(failure("f2", 100), failure("f3", 130)));
        Store store = t.open();
        Live first = new Live(store, false);
        first.awaitDone(2);
        MonitorRunner.Summary s1 = first.stop();
        assertThat(s1.events()).isEqualTo(4);
        // while it is down: new files, one in a new dated folder, and a repeat of b under another name
        deliver(d1, name("20261202T1015Z", "c"), trail(failure("f4", 200), failure("f5", 230), benign("b2", 400)));
        deliver(d1, name("20261202T1016Z", "b2"), trail(failure("f2", 100), failure("f3", 130)));
        Path d2 = day("20261203");
        deliver(d2, name("20261203T0005Z", "d"), trail(benign("b3", 86_400)));
        Live second = new Live(store, true);
        second.awaitDone(5);
        MonitorRunner.Summary s2 = second.stop();
        assertThat(second.errors).isEmpty();
        assertThat(s2.resumed()).isTrue();
        assertThat(s2.records()).as("only the new files are read").isEqualTo(6);
        assertThat(s2.events()).isEqualTo(10);
        assertThat(s2.duplicates()).isEqualTo(2);
        assertSameOutcome(s2, batch());

        Live uninterrupted = new Live(t.open("u"), true);
        uninterrupted.awaitDone(5);
        assertSameOutcome(s2, uninterrupted.stop());
    }

    @Test
    void aGzipSeenHalfWrittenIsReadOnFromWhereItStoppedOnceCompleted() throws Exception {
        Path d1 = day("20261202");
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            records.add(i % 100 == 7 ? failure("f" + i, i / 10) : benign("b" + i, i / 10));
        }
        records.add(benign("end", 1000));
        byte[] whole = trail(records.toArray(String[]::new));
        Path f = d1.resolve(name("20261202T1005Z", "a"));
        Live live = new Live(store("g.db"), true);
        Files.write(f, Arrays.copyOf(whole, whole.length / 2));
        await(() -> countQuiet(live.store, "SELECT count(*) FROM monitor_files WHERE status = 'partial'") == 1, "a partial read");
        assertThat(live.warnings).anySatisfy(w -> assertThat(w.message()).contains("the data ends inside a record"));
        Files.write(f, whole);
        live.awaitDone(1);
        MonitorRunner.Summary s = live.stop();
        assertThat(live.errors).isEmpty();
        assertThat(s.events()).isEqualTo(601);
        assertThat(s.duplicates()).isZero();
        assertThat(s.skipped()).isPositive();
        assertThat(alarmed(live.store)).isOne();
        assertSameOutcome(s, batch());
    }

    @Test
    void aFileIsReadOnlyOnceItHasSettled() throws Exception {
        Path d1 = day("20261202");
        // a settle period far longer than any wait here: however slow the machine, the file cannot settle by itself
        Live live = new Live(store("g.db"), true, Duration.ofHours(1), l -> {});
        Path f = deliver(d1, name("20261202T1005Z", "a"), trail(failure("f1", 10), benign("b", 400)));
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(5)));
        long scans = live.follower.scans();
        await(() -> live.follower.scans() >= scans + 5, "five scans");
        assertThat(live.follower.filesRead()).as("modified 5s ago, settle 1h").isZero();
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(7200)));
        live.awaitDone(1);
        assertThat(live.stop().events()).isEqualTo(2);
    }

    @EachStore
    void aRunStoppedInTheMiddleOfAFileReadsOnFromThereAtTheNextStart(TestStore t) throws Exception {
        Path d1 = day("20261202");
        List<String> records = new ArrayList<>();
        records.add(benign("ahead", 600));
        for (int i = 0; i < 2000; i++) {
            // the first of these is late (10 minutes behind, lateness 2 minutes): its warning stops the first run there
            records.add(i % 50 == 0 ? failure("f" + i, 700 + i / 10) : benign("b" + i, 700 + i / 10));
            if (i == 0) {
                records.add(failure("late", 0));
            }
        }
        records.add(benign("end", 2000));
        deliver(d1, name("20261202T1005Z", "a"), trail(records.toArray(String[]::new)));
        deliver(d1, name("20261202T1010Z", "b"), trail(failure("g1", 2001), failure("g2", 2002), failure("g3", 2003), benign("e", 3000)));
        Store store = t.open();
        Live first = new Live(store, false, Duration.ZERO, l -> l.runner.stop());
        first.thread.join(WAIT.toMillis());
        MonitorRunner.Summary s1 = first.summary;
        assertThat(first.failure).isNull();
        assertThat(s1.events()).isEqualTo(3);
        assertThat(count(store, "SELECT count(*) FROM monitor_files WHERE status = 'reading' AND records = 3")).isEqualTo(1);

        Live second = new Live(store, true);
        second.awaitDone(2);
        MonitorRunner.Summary s2 = second.stop();
        assertThat(s2.skipped()).isEqualTo(3);
        assertThat(s2.events()).isEqualTo(records.size() + 4);
        assertSameOutcome(s2, batch());
    }

    @Test
    void aLongFileIsCommittedAsItIsReadNotOnlyAtItsEnd() throws Exception {
        Path d1 = day("20261202");
        List<String> records = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            records.add(i % 1000 == 1 ? failure("f" + i, i / 100) : benign("b" + i, i));
        }
        deliver(d1, name("20261202T1005Z", "a"), trail(records.toArray(String[]::new)));
        Store store = store("g.db");
        List<Long> readUpTo = new CopyOnWriteArrayList<>();
        MonitorRunner.Options every = new MonitorRunner.Options("cis", Duration.ofMinutes(2), true, false, 100_000, Duration.ZERO);
        // a transition is delivered right after the checkpoint that made it: what does the store say of the file then?
        Live live = new Live(store, every, Duration.ZERO, l -> {}, t -> readUpTo.add(
                countQuiet(store, "SELECT coalesce(max(records), -1) FROM monitor_files WHERE status = 'reading'")));
        live.awaitDone(1);
        MonitorRunner.Summary s = live.stop();
        assertThat(readUpTo).isNotEmpty().anySatisfy(n -> assertThat(n).isBetween(1L, 5999L));
        assertThat(s.events()).isEqualTo(6000);
        assertSameOutcome(s, batch());
    }

    static long count(Store store, String sql) throws Exception {
        try (Connection c = store.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long alarmed(Store store) throws Exception {
        return count(store, "SELECT count(*) FROM monitor_transitions WHERE alarm = 'console-signin-failures' AND new_state = 'ALARM'");
    }

    static long countQuiet(Store store, String sql) {
        try {
            return count(store, sql);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
