package gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gatehouse.store.EachStore;
import gatehouse.store.Store;
import gatehouse.store.TestStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The audit log on a real SQLite file and a real PostgreSQL server ({@link EachStore}): the chain, durability,
 * checkpoints, concurrent writers in threads and in separate processes, queries.
 */
class AuditLogTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-05-01T10:00:00.123Z"), ZoneOffset.UTC);

    @EachStore
    void appendsAChainAndTheEntryIsCommittedBeforeAppendReturns(TestStore t) throws Exception {
        Store store = t.open();
        try (AuditLog log = AuditLog.open(store, new AuditLog.Options(null, 100, CLOCK))) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("run", 42);
            details.put("env", "prod");
            AuditEntry first = log.append("ci", "deploy", "prod/web", "pass", details);
            assertThat(first.seq()).isEqualTo(1);
            assertThat(first.prevHash()).isEqualTo(AuditEntry.GENESIS);
            assertThat(first.details()).isEqualTo("{\"env\":\"prod\",\"run\":42}"); // keys sorted
            assertThat(first.timeMs()).isEqualTo(CLOCK.millis());
            AuditEntry second = log.append("alice", "approve", "run/42", "ok", null);
            assertThat(second.prevHash()).isEqualTo(first.hash());
            assertThat(second.details()).isEqualTo("{}");

            // another connection (as another process would) sees both while this log is still open
            try (Connection c = store.connect(); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT seq, hash FROM audit_entries ORDER BY seq")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2)).isEqualTo(first.hash());
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(2)).isEqualTo(second.hash());
            }
            assertThat(log.verify(List.of()).intact()).isTrue();
        }
    }

    @Test
    void hashIsTheDocumentedLengthPrefixedEncoding() throws Exception {
        AuditEntry e = AuditEntry.create(7, 1714557600123L, "ci", "deploy", "prod/web", "pass", "{}", AuditEntry.GENESIS);
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        for (String s : List.of("gatehouse-audit-entry/1", "7", "1714557600123", "ci", "deploy", "prod/web", "pass", "{}",
                AuditEntry.GENESIS)) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            buf.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(b.length).array());
            buf.writeBytes(b);
        }
        String expected = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(buf.toByteArray()));
        assertThat(e.hash()).isEqualTo(expected);
        // fields cannot bleed into each other: moving a character from actor to action changes the hash
        AuditEntry shifted = AuditEntry.create(7, 1714557600123L, "c", "ideploy", "prod/web", "pass", "{}", AuditEntry.GENESIS);
        assertThat(shifted.hash()).isNotEqualTo(e.hash());
    }

    @EachStore
    void checkpointsEveryNEntriesAndOnDemandWithAVerifiableSignature(TestStore t) {
        KeyPair kp = AuditKeys.generate();
        AuditKeys.Signer signer = AuditKeys.signer(kp.getPrivate());
        try (AuditLog log = AuditLog.open(t.open(), new AuditLog.Options(signer, 3, CLOCK))) {
            for (int i = 0; i < 7; i++) {
                log.append("ci", "step", "s" + i, "ok", Map.of());
            }
            assertThat(log.checkpoints()).extracting(Checkpoint::seq).containsExactly(3L, 6L);
            Checkpoint onDemand = log.checkpoint();
            assertThat(onDemand.seq()).isEqualTo(7);
            assertThat(log.checkpoint()).isEqualTo(onDemand); // the tip is sealed once
            assertThat(log.checkpoints()).extracting(Checkpoint::seq).containsExactly(3L, 6L, 7L);
            for (Checkpoint cp : log.checkpoints()) {
                assertThat(cp.keyId()).isEqualTo(AuditKeys.keyId(kp.getPublic()));
                assertThat(AuditKeys.verify(kp.getPublic(), cp.signedText().getBytes(StandardCharsets.UTF_8), cp.signature())).isTrue();
                assertThat(cp.signedText()).startsWith("gatehouse-audit-checkpoint/1\nseq: " + cp.seq() + "\nhash: " + cp.hash() + "\n");
            }
            AuditVerifier.Report r = log.verify(List.of(kp.getPublic()));
            assertThat(r.problems()).isEmpty();
            assertThat(r.checkpointsVerified()).isEqualTo(3);
            assertThat(r.notes()).isEmpty();
        }
    }

    @EachStore
    void withoutAKeyNoCheckpointsAreWrittenAndVerifySaysWhatItCannotSee(TestStore t) {
        try (AuditLog log = AuditLog.open(t.open())) {
            for (int i = 0; i < 5; i++) {
                log.append("ci", "step", "s" + i, "ok", Map.of());
            }
            assertThat(log.checkpoints()).isEmpty();
            assertThatThrownBy(log::checkpoint).isInstanceOf(IllegalStateException.class).hasMessage("no signing key configured");
            AuditVerifier.Report r = log.verify(List.of());
            assertThat(r.intact()).isTrue();
            assertThat(r.notes()).containsExactly("no checkpoints: a truncated tail or a chain recomputed from the start cannot be detected");
        }
    }

    @EachStore
    void concurrentWritersOnSeveralConnectionsKeepOneLinearChain(TestStore t) throws Exception {
        Store store = t.open();
        int threads = 4;
        int each = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> futures = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            String actor = "writer-" + w;
            futures.add(pool.submit(() -> {
                List<Long> seqs = new ArrayList<>();
                try (AuditLog log = AuditLog.open(store)) { // one connection per thread
                    start.await();
                    for (int i = 0; i < each; i++) {
                        seqs.add(log.append(actor, "step", "item-" + i, "ok", Map.of("i", i)).seq());
                    }
                }
                return seqs;
            }));
        }
        start.countDown();
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : futures) {
            all.addAll(f.get());
        }
        pool.shutdown();
        assertThat(all).hasSize(threads * each).doesNotHaveDuplicates();
        try (AuditLog log = AuditLog.open(store)) {
            List<AuditEntry> entries = log.entries(AuditLog.Query.all());
            assertThat(entries).extracting(AuditEntry::seq).containsExactlyElementsOf(
                    java.util.stream.LongStream.rangeClosed(1, threads * each).boxed().toList());
            assertThat(log.verify(List.of()).problems()).isEmpty();
        }
    }

    @EachStore
    void twoProcessesAppendingAtOnceKeepOneLinearChain(TestStore t) throws Exception {
        String url = t.url("shared");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> procs = new ArrayList<>();
        int each = 60;
        for (String actor : List.of("proc-a", "proc-b")) {
            // both start on a store that does not exist yet: creation and migration race too
            procs.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), AppendMain.class.getName(), url, actor,
                    Integer.toString(each)).redirectErrorStream(true).start());
        }
        for (Process p : procs) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(out).isZero();
        }
        try (AuditLog log = AuditLog.open(Store.open(url, false))) {
            List<AuditEntry> entries = log.entries(AuditLog.Query.all());
            assertThat(entries).hasSize(2 * each);
            assertThat(entries).extracting(AuditEntry::actor).contains("proc-a", "proc-b");
            assertThat(entries.stream().filter(e -> e.actor().equals("proc-a"))).hasSize(each);
            assertThat(log.verify(List.of()).problems()).isEmpty();
        }
    }

    @EachStore
    void queriesFilterByTimeActorActionAndKeepTheNewestWithinALimit(TestStore t) {
        long[] now = {Instant.parse("2026-05-01T00:00:00Z").toEpochMilli()};
        Clock ticking = new Clock() {
            @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return Instant.ofEpochMilli(now[0] += 3_600_000); } // one hour per call
        };
        try (AuditLog log = AuditLog.open(t.open(), new AuditLog.Options(null, 0, ticking))) {
            for (int i = 1; i <= 6; i++) {
                log.append(i % 2 == 0 ? "alice" : "ci", i % 3 == 0 ? "approve" : "deploy", "s" + i, "ok", Map.of());
            }
            assertThat(log.entries(new AuditLog.Query(null, "alice", null, 0))).extracting(AuditEntry::seq).containsExactly(2L, 4L, 6L);
            assertThat(log.entries(new AuditLog.Query(null, null, "approve", 0))).extracting(AuditEntry::seq).containsExactly(3L, 6L);
            assertThat(log.entries(new AuditLog.Query(Instant.parse("2026-05-01T04:00:00Z"), null, null, 0)))
                    .extracting(AuditEntry::seq).containsExactly(4L, 5L, 6L);
            assertThat(log.entries(new AuditLog.Query(null, null, null, 2))).extracting(AuditEntry::seq).containsExactly(5L, 6L);
        }
    }
}
