package gatehouse.monitor.run;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.monitor.alarm.AlarmEngine;
import gatehouse.monitor.alarm.AlarmState;
import gatehouse.monitor.alarm.Datapoint;
import gatehouse.monitor.alarm.Transition;
import gatehouse.monitor.ingest.FileMark;
import gatehouse.store.EachStore;
import gatehouse.store.Store;
import gatehouse.store.TestStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The monitor's persisted state on each store dialect: what a checkpoint writes is what the next start loads, to the
 * last bit; a later checkpoint replaces it; reset and scopes keep runs apart; and concurrent readers and writers of
 * one scope always see one whole checkpoint.
 */
class StateStoreTest {
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    static AlarmEngine.Snapshot snapshot(long seq, int alarms) {
        List<AlarmEngine.AlarmSnapshot> list = new ArrayList<>();
        for (int i = 0; i < alarms; i++) {
            List<AlarmEngine.WindowState> ws = List.of(
                    new AlarmEngine.WindowState(T0.toEpochMilli() + i * 60_000L, 3, 0.1 + 0.2, -0.0, Double.MAX_VALUE, null),
                    new AlarmEngine.WindowState(T0.toEpochMilli() + i * 60_000L + 300_000, 2, 1e-300, Double.MIN_VALUE, 7.5,
                            new double[] {Double.MIN_VALUE, 1.0 / 3}));
            list.add(new AlarmEngine.AlarmSnapshot("alarm-" + i, "fp" + i, i % 2 == 0 ? AlarmState.ALARM : AlarmState.OK,
                    "reason ü " + i, T0.toEpochMilli() + i, Long.MAX_VALUE - i, seq, i, ws));
        }
        return new AlarmEngine.Snapshot(T0.toEpochMilli() + seq, Long.MIN_VALUE + 1, seq, list);
    }

    static Transition transition(long seq) {
        return new Transition("alarm-0", seq, AlarmState.INSUFFICIENT_DATA, AlarmState.ALARM, "Threshold Crossed: «" + seq + "»",
                T0.plusSeconds(seq), List.of(new Datapoint(T0, 3.0, 3), Datapoint.missing(T0.plusSeconds(60))), 3.0);
    }

    /** Event ids come from the stream: NUL, an unpaired surrogate and other odd characters must come back as they were. */
    static final List<String> ODD_IDS = List.of("plain", "ünïcödé-🙂", "nul\u0000inside", "lone\uD800surrogate", "\uDC00",
            "\u0001starts-with-soh", "", "x".repeat(5000), "quote'\"\\back");

    static StateStore.Counters counters(long n) {
        return new StateStore.Counters(n, n + 1, n + 2, n + 3);
    }

    @EachStore
    void aCheckpointLoadsBackExactly(TestStore t) throws Exception {
        Store store = t.open();
        Map<String, Long> ids = new LinkedHashMap<>();
        for (int i = 0; i < ODD_IDS.size(); i++) {
            ids.put(ODD_IDS.get(i), T0.toEpochMilli() + i);
        }
        AlarmEngine.Snapshot snap = snapshot(5, 3);
        Map<String, FileMark> files = Map.of("/logs/a.json.gz", new FileMark("/logs/a.json.gz", 1L << 40, -1, 12, FileMark.Status.PARTIAL),
                "/logs/ö b.json", new FileMark("/logs/ö b.json", 0, Long.MAX_VALUE, 0, FileMark.Status.READING));
        try (StateStore s = new StateStore(store, "scope-1")) {
            assertThat(s.load()).isNull();
            s.checkpoint("in-1\nin-2", 42, snap, counters(7), ids, Long.MIN_VALUE, List.of(transition(4), transition(5)), files);
        }
        try (StateStore s = new StateStore(store, "scope-1")) {
            StateStore.Saved saved = s.load();
            assertThat(saved.inputs()).isEqualTo("in-1\nin-2");
            assertThat(saved.position()).isEqualTo(42);
            assertThat(saved.counters()).isEqualTo(counters(7));
            assertSameSnapshot(saved.snapshot(), snap);
            assertThat(saved.seen()).isEqualTo(ids);
            assertThat(s.files()).isEqualTo(files);
            assertThat(s.undelivered()).usingRecursiveFieldByFieldElementComparator().containsExactly(transition(4), transition(5));
            assertThat(s.transitionCount()).isEqualTo(2);
            s.delivered(4);
            assertThat(s.undelivered()).extracting(Transition::seq).containsExactly(5L);
        }
    }

    @EachStore
    void aLaterCheckpointReplacesTheStateUpdatesFilesAndPrunesSeenIds(TestStore t) throws Exception {
        Store store = t.open();
        try (StateStore s = new StateStore(store, "scope")) {
            s.checkpoint("in", 10, snapshot(1, 3), counters(1), Map.of("old", 1_000L, "kept", 5_000L, "nul\u0000old", 1_500L),
                    Long.MIN_VALUE, List.of(transition(1)),
                    Map.of("/a", new FileMark("/a", 10, 1, 2, FileMark.Status.READING)));
            // the same id again (already stored) must not fail the checkpoint; the alarm removed from the
            // configuration disappears; the file's mark is replaced, another added
            s.checkpoint("in", 20, snapshot(2, 2), counters(2), Map.of("kept", 5_000L, "new", 6_000L, "nul\u0000new", 6_500L),
                    2_000L, List.of(transition(2)),
                    Map.of("/a", new FileMark("/a", 20, 2, 4, FileMark.Status.DONE),
                            "/b", new FileMark("/b", 1, 1, 1, FileMark.Status.PARTIAL)));
            StateStore.Saved saved = s.load();
            assertThat(saved.position()).isEqualTo(20);
            assertSameSnapshot(saved.snapshot(), snapshot(2, 2));
            assertThat(saved.seen()).isEqualTo(Map.of("kept", 5_000L, "new", 6_000L, "nul\u0000new", 6_500L));
            assertThat(s.files()).isEqualTo(Map.of("/a", new FileMark("/a", 20, 2, 4, FileMark.Status.DONE),
                    "/b", new FileMark("/b", 1, 1, 1, FileMark.Status.PARTIAL)));
            assertThat(s.undelivered()).extracting(Transition::seq).containsExactly(1L, 2L);
        }
    }

    @EachStore
    void resetForgetsOnlyItsOwnScope(TestStore t) throws Exception {
        Store store = t.open();
        try (StateStore a = new StateStore(store, "a"); StateStore b = new StateStore(store, "b")) {
            for (StateStore s : List.of(a, b)) {
                s.checkpoint("in", 1, snapshot(1, 1), counters(1), Map.of("e", 1L), Long.MIN_VALUE, List.of(transition(1)),
                        Map.of("/f", new FileMark("/f", 1, 1, 1, FileMark.Status.DONE)));
            }
            a.reset();
            assertThat(a.load()).isNull();
            assertThat(a.files()).isEmpty();
            assertThat(a.transitionCount()).isZero();
            assertThat(b.load().seen()).containsOnlyKeys("e");
            assertThat(b.files()).containsOnlyKeys("/f");
            assertThat(b.transitionCount()).isOne();
        }
    }

    /**
     * Two writers of one scope (a partition handed from one consumer to another while the first still flushes) and a
     * reader: every checkpoint commits, and every load sees one whole checkpoint (the alarms of the position it reads).
     */
    @EachStore
    void concurrentWritersAndAReaderOfOneScopeSeeWholeCheckpoints(TestStore t) throws Exception {
        Store store = t.open();
        int rounds = 40;
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    try (StateStore s = new StateStore(store, "shared")) {
                        for (int i = 0; i < rounds; i++) {
                            long seq = writer * 1_000L + i;
                            s.checkpoint("in", seq, snapshot(seq, 1 + i % 3), counters(seq), Map.of("id-" + seq, seq, "common", 1L),
                                    Long.MIN_VALUE, List.of(), Map.of("/f", new FileMark("/f", seq, seq, seq, FileMark.Status.DONE)));
                        }
                    }
                    return null;
                }));
            }
            Future<Integer> reader = pool.submit(() -> {
                int loads = 0;
                try (StateStore s = new StateStore(store, "shared")) {
                    do { // at least once after the writers are done, however late this thread gets to run
                        StateStore.Saved saved = s.load();
                        if (saved != null) {
                            long seq = saved.position();
                            assertThat(saved.snapshot().seq()).isEqualTo(seq);
                            assertThat(saved.counters()).isEqualTo(counters(seq));
                            assertThat(saved.snapshot().alarms()).hasSize(1 + (int) (seq % 1_000) % 3)
                                    .allSatisfy(a -> assertThat(a.transitions()).isEqualTo(seq));
                            loads++;
                        }
                    } while (writing.get());
                }
                return loads;
            });
            for (Future<?> f : writers) {
                f.get(120, TimeUnit.SECONDS);
            }
            writing.set(false);
            assertThat(reader.get(60, TimeUnit.SECONDS)).isPositive();
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
        try (StateStore s = new StateStore(store, "shared")) {
            StateStore.Saved saved = s.load();
            assertThat(saved.position()).isIn((long) rounds - 1, 1_000L + rounds - 1);
            assertThat(saved.seen()).hasSize(2 * rounds + 1);
            assertThat(s.files().get("/f").records()).isEqualTo(saved.position());
        }
    }

    @Test
    void storedIdsAreTheIdsThemselvesUnlessADatabaseCouldNotKeepThem() {
        for (String plain : List.of("3f2a-11", "ünïcödé-🙂", "a\u0001b", "", "quote'\"\\")) {
            assertThat(StateStore.storedId(plain)).isEqualTo(plain);
            assertThat(StateStore.eventId(plain)).isEqualTo(plain);
        }
        for (String odd : List.of("nul\u0000", "\uD800", "x\uDC00y", "🙂\uD83D", "\u0001", "\u0001QQ")) {
            String stored = StateStore.storedId(odd);
            assertThat(stored).startsWith("\u0001").doesNotContain("\u0000");
            assertThat(stored.substring(1)).matches("[A-Za-z0-9+/]*");
            assertThat(StateStore.eventId(stored)).isEqualTo(odd);
        }
        // any string at all, odd code units included, comes back as it was
        java.util.Random r = new java.util.Random(7);
        for (int i = 0; i < 2_000; i++) {
            char[] cs = new char[r.nextInt(12)];
            for (int j = 0; j < cs.length; j++) {
                cs[j] = (char) (r.nextBoolean() ? r.nextInt(4) : r.nextInt(Character.MAX_VALUE + 1));
            }
            String id = new String(cs);
            assertThat(StateStore.eventId(StateStore.storedId(id))).isEqualTo(id);
        }
        // a row stored before ids were encoded, starting with the marker by chance, is read as it is
        assertThat(StateStore.eventId("\u0001not base64!")).isEqualTo("\u0001not base64!");
    }

    static void assertSameSnapshot(AlarmEngine.Snapshot actual, AlarmEngine.Snapshot expected) {
        assertThat(actual).usingRecursiveComparison().withStrictTypeChecking().isEqualTo(expected);
        // the recursive comparison takes -0.0 for 0.0: compare the bits of every double
        for (int i = 0; i < expected.alarms().size(); i++) {
            List<AlarmEngine.WindowState> a = actual.alarms().get(i).windows();
            List<AlarmEngine.WindowState> e = expected.alarms().get(i).windows();
            for (int j = 0; j < e.size(); j++) {
                assertThat(Double.doubleToRawLongBits(a.get(j).sum())).isEqualTo(Double.doubleToRawLongBits(e.get(j).sum()));
                assertThat(Double.doubleToRawLongBits(a.get(j).min())).isEqualTo(Double.doubleToRawLongBits(e.get(j).min()));
                assertThat(Double.doubleToRawLongBits(a.get(j).max())).isEqualTo(Double.doubleToRawLongBits(e.get(j).max()));
            }
        }
    }
}
