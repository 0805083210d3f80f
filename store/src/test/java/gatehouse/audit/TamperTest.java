package gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.store.EachStore;
import gatehouse.store.Store;
import gatehouse.store.TestStore;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;

/**
 * Tampering done the way an intruder with database access would: plain SQL on the real SQLite file and in a real PostgreSQL
 * schema ({@link EachStore}), then verify's exact findings. The log has 10 entries sealed by checkpoints at seq 4 and 8.
 */
class TamperTest {
    TestStore t;

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-05-01T10:00:00.123Z"), ZoneOffset.UTC);
    static final KeyPair KEY = AuditKeys.generate();

    Store store;
    List<AuditEntry> original;

    @BeforeEach
    void tenEntries(TestStore t) {
        this.t = t;
        tenEntries("gatehouse");
    }

    void tenEntries(String name) {
        store = t.open(name);
        try (AuditLog log = AuditLog.open(store, new AuditLog.Options(AuditKeys.signer(KEY.getPrivate()), 4, CLOCK))) {
            for (int i = 1; i <= 10; i++) {
                log.append(i % 2 == 0 ? "alice" : "ci", "deploy", "prod/svc-" + i, "pass", Map.of("run", i));
            }
            original = log.entries(AuditLog.Query.all());
        }
    }

    void sql(String... statements) throws Exception {
        try (Connection c = store.connect(); Statement s = c.createStatement()) {
            for (String q : statements) {
                s.executeUpdate(q);
            }
        }
    }

    void put(AuditEntry e) throws Exception {
        try (Connection c = store.connect(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit_entries (seq, time_ms, actor, action, subject, result, details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)")) {
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
    }

    AuditVerifier.Report verify() {
        try (AuditLog log = AuditLog.open(store)) {
            return log.verify(List.of(KEY.getPublic()));
        }
    }

    List<String> findings() {
        return verify().problems().stream().map(AuditVerifier.Problem::render).toList();
    }

    @EachStore
    void untouchedLogIsIntact() {
        AuditVerifier.Report r = verify();
        assertThat(r.problems()).isEmpty();
        assertThat(r.checkpointsVerified()).isEqualTo(2);
        assertThat(r.notes()).containsExactly("entries after seq 8 are not sealed by a checkpoint yet: their removal would not be detected");
    }

    @EachStore
    void editedField() throws Exception {
        sql("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 5");
        assertThat(findings()).containsExactly("seq 5: edited: its fields do not match its hash");
    }

    @EachStore
    void everyFieldIsCovered() throws Exception {
        int n = 0;
        for (String set : List.of("time_ms = time_ms + 1", "action = 'rollback'", "subject = 'prod/other'", "result = 'fail'",
                "details = '{\"run\":99}'", "prev_hash = '" + "1".repeat(64) + "'", "hash = '" + "2".repeat(64) + "'")) {
            tenEntries("field_" + n++);
            sql("UPDATE audit_entries SET " + set + " WHERE seq = 3");
            assertThat(findings()).as(set).containsExactly("seq 3: edited: its fields do not match its hash");
        }
    }

    @EachStore
    void editedAndRehashed() throws Exception {
        AuditEntry o = original.get(4);
        AuditEntry forged = AuditEntry.create(5, o.timeMs(), "mallory", o.action(), o.subject(), o.result(), o.details(), o.prevHash());
        sql("DELETE FROM audit_entries WHERE seq = 5");
        put(forged);
        assertThat(findings()).containsExactly("seq 5: edited: rewritten with a recomputed hash (seq 6 links to a different entry)");
    }

    @EachStore
    void removedEntry() throws Exception {
        sql("DELETE FROM audit_entries WHERE seq = 5");
        assertThat(findings()).containsExactly("seq 5: removed: the entry is missing");
    }

    @EachStore
    void removedEntriesAndTheRestRenumbered() throws Exception {
        sql("DELETE FROM audit_entries WHERE seq IN (5, 6)", "UPDATE audit_entries SET seq = -(seq - 2) WHERE seq > 6",
                "UPDATE audit_entries SET seq = -seq WHERE seq < 0");
        assertThat(findings()).containsExactly(
                "seq 5-8: moved: hold the entries written as seq 7-10 (renumbered)",
                "seq 5-6: removed: 2 entries are missing");
    }

    @EachStore
    void reorderedEntries() throws Exception {
        sql("UPDATE audit_entries SET seq = -1 WHERE seq = 3", "UPDATE audit_entries SET seq = 3 WHERE seq = 4",
                "UPDATE audit_entries SET seq = 4 WHERE seq = -1");
        assertThat(findings()).containsExactly(
                "seq 3: moved: holds the entry written as seq 4",
                "seq 4: moved: holds the entry written as seq 3");
    }

    @EachStore
    void insertedEntry() throws Exception {
        // the intruder makes room at seq 5 and writes a well-formed entry linked to seq 4
        sql("UPDATE audit_entries SET seq = -(seq + 1) WHERE seq >= 5", "UPDATE audit_entries SET seq = -seq WHERE seq < 0");
        put(AuditEntry.create(5, CLOCK.millis(), "mallory", "approve", "prod/svc-5", "ok", "{}", original.get(3).hash()));
        assertThat(findings()).containsExactly(
                "seq 5: inserted: not part of the chain (another entry holds position 5 and the chain runs through it)",
                "seq 6-11: moved: hold the entries written as seq 5-10 (renumbered)");
    }

    @EachStore
    void truncatedTailPastACheckpoint() throws Exception {
        sql("DELETE FROM audit_entries WHERE seq >= 7");
        assertThat(findings()).containsExactly(
                "seq 7-8: truncated: the log ends at seq 6 but the checkpoint of 2026-05-01T10:00:00.123Z sealed seq 8"
                        + " (entries after it, if any, cannot be known)");
    }

    @EachStore
    void truncatedTailAfterTheLastCheckpointIsNotDetectableAndVerifySaysSo() throws Exception {
        sql("DELETE FROM audit_entries WHERE seq >= 9");
        AuditVerifier.Report r = verify();
        assertThat(r.problems()).isEmpty();
        assertThat(r.lastSeq()).isEqualTo(8);
        // with the tail cut exactly at the checkpoint nothing is unsealed; the limit is documented, and the note
        // appears whenever entries follow the last checkpoint (see untouchedLogIsIntact)
    }

    @EachStore
    void forgedCheckpointSignature() throws Exception {
        AuditKeys.Signer other = AuditKeys.signer(AuditKeys.generate().getPrivate());
        String keyId = AuditKeys.keyId(KEY.getPublic());
        String text = Checkpoint.signedText(8, "3".repeat(64), CLOCK.millis(), keyId);
        sql("UPDATE audit_checkpoints SET hash = '" + "3".repeat(64) + "', signature = '"
                + other.sign(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "' WHERE seq = 8");
        assertThat(findings()).containsExactly("checkpoint 8: forged: the signature does not verify with key " + keyId);
    }

    @EachStore
    void checkpointSignedByAnUnknownKey() throws Exception {
        AuditKeys.Signer other = AuditKeys.signer(AuditKeys.generate().getPrivate());
        Checkpoint cp = new Checkpoint(4, original.get(3).hash(), CLOCK.millis(), other.keyId(), "");
        sql("UPDATE audit_checkpoints SET key_id = '" + other.keyId() + "', signature = '"
                + other.sign(cp.signedText().getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "' WHERE seq = 4");
        assertThat(findings()).containsExactly("checkpoint 4: forged: signed by unknown key " + other.keyId()
                + " (verifying with " + AuditKeys.keyId(KEY.getPublic()) + ")");
    }

    @EachStore
    void wholeChainRecomputedIsCaughtByTheCheckpoints() throws Exception {
        // from seq 3 on, every entry is rewritten and rehashed: the chain alone is consistent again
        sql("DELETE FROM audit_entries WHERE seq >= 3");
        String prev = original.get(1).hash();
        for (AuditEntry o : original.subList(2, 10)) {
            AuditEntry e = AuditEntry.create(o.seq(), o.timeMs(), "mallory", o.action(), o.subject(), o.result(), o.details(), prev);
            put(e);
            prev = e.hash();
        }
        List<AuditEntry> now;
        try (AuditLog log = AuditLog.open(store)) {
            now = log.entries(AuditLog.Query.all());
        }
        assertThat(findings()).containsExactly(
                "seq 4: rewritten: the checkpoint of 2026-05-01T10:00:00.123Z sealed hash " + original.get(3).hash().substring(0, 12)
                        + "... but the entry has " + now.get(3).hash().substring(0, 12) + "...: the chain up to it was recomputed",
                "seq 8: rewritten: the checkpoint of 2026-05-01T10:00:00.123Z sealed hash " + original.get(7).hash().substring(0, 12)
                        + "... but the entry has " + now.get(7).hash().substring(0, 12) + "...: the chain up to it was recomputed");
        // without the public key the same rewrite passes, and verify says why it could not tell
        try (AuditLog log = AuditLog.open(store)) {
            AuditVerifier.Report r = log.verify(List.of());
            assertThat(r.problems()).isEmpty();
            assertThat(r.notes()).containsExactly("2 checkpoints were not verified: no public key (use --public-key or"
                    + " $GATEHOUSE_AUDIT_PUBLIC_KEY); a truncated tail or a recomputed chain cannot be detected");
        }
    }
}
