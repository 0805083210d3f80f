package gatehouse.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Any log stays intact, and any one tampering of any entry is detected. The chain is built exactly as
 * {@link AuditLog#append} builds it (the database round trip is covered by TamperTest); checkpoints every 5 entries.
 */
class AuditVerifierPropertiesTest {
    static final KeyPair KEY = AuditKeys.generate();
    static final AuditKeys.Signer SIGNER = AuditKeys.signer(KEY.getPrivate());

    record Fields(String actor, String action, String subject, String result, String details, long time) {}

    enum Tamper { EDIT, DELETE, SWAP, INSERT, REHASH, TRUNCATE_SEALED, FORGE_CHECKPOINT }

    @Provide
    Arbitrary<List<Fields>> logs() {
        Arbitrary<String> text = Arbitraries.strings().ofMinLength(0).ofMaxLength(12).withChars("ab\n:{}\"é0");
        Arbitrary<Fields> f = Combinators.combine(text, Arbitraries.of("deploy", "approve", "gate"), text,
                Arbitraries.of("pass", "fail", ""), Arbitraries.of("{}", "{\"a\":1}", "{\"b\":\"x\"}"),
                Arbitraries.longs().between(0, 4_000_000_000_000L)).as(Fields::new);
        return f.list().ofMinSize(2).ofMaxSize(30);
    }

    static List<AuditEntry> chain(List<Fields> fields) {
        List<AuditEntry> out = new ArrayList<>();
        String prev = AuditEntry.GENESIS;
        for (int i = 0; i < fields.size(); i++) {
            Fields x = fields.get(i);
            AuditEntry e = AuditEntry.create(i + 1, x.time(), x.actor(), x.action(), x.subject(), x.result(), x.details(), prev);
            out.add(e);
            prev = e.hash();
        }
        return out;
    }

    static List<Checkpoint> checkpoints(List<AuditEntry> chain) {
        List<Checkpoint> cps = new ArrayList<>();
        for (AuditEntry e : chain) {
            if (e.seq() % 5 == 0) {
                cps.add(sign(e.seq(), e.hash()));
            }
        }
        return cps;
    }

    static Checkpoint sign(long seq, String hash) {
        String text = Checkpoint.signedText(seq, hash, 1000, SIGNER.keyId());
        return new Checkpoint(seq, hash, 1000, SIGNER.keyId(), SIGNER.sign(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Property(tries = 200)
    void anUntouchedLogIsIntact(@ForAll("logs") List<Fields> fields) {
        List<AuditEntry> chain = chain(fields);
        AuditVerifier.Report r = AuditVerifier.verify(chain, checkpoints(chain), List.of(KEY.getPublic()));
        assertThat(r.problems()).isEmpty();
        assertThat(r.lastSeq()).isEqualTo(fields.size());
    }

    @Property(tries = 500)
    void anyOneTamperingIsDetected(@ForAll("logs") List<Fields> fields, @ForAll Tamper tamper,
            @ForAll @IntRange(min = 0, max = 1000) int where, @ForAll @IntRange(min = 0, max = 7) int field) {
        List<AuditEntry> chain = new ArrayList<>(chain(fields));
        List<Checkpoint> cps = new ArrayList<>(checkpoints(chain));
        int n = chain.size();
        int i = where % (n - 1); // any entry but the tip, whose removal or replacement only a later checkpoint shows
        AuditEntry e = chain.get(i);
        switch (tamper) {
            case EDIT -> chain.set(i, edit(e, field));
            case DELETE -> chain.remove(i);
            case SWAP -> {
                AuditEntry next = chain.get(i + 1);
                chain.set(i, withSeq(next, e.seq()));
                chain.set(i + 1, withSeq(e, next.seq()));
            }
            case INSERT -> {
                for (int k = i; k < n; k++) {
                    chain.set(k, withSeq(chain.get(k), chain.get(k).seq() + 1));
                }
                chain.add(i, AuditEntry.create(e.seq(), e.timeMs(), "mallory", "approve", "x", "ok", "{}", e.prevHash()));
            }
            case REHASH -> {
                AuditEntry x = edit(e, field);
                chain.set(i, AuditEntry.create(x.seq(), x.timeMs(), x.actor(), x.action(), x.subject(), x.result(), x.details(), e.prevHash()));
                if (chain.get(i).hash().equals(e.hash())) {
                    return; // edit() only changed the seq-independent hash field: covered by EDIT
                }
            }
            case TRUNCATE_SEALED -> {
                if (cps.isEmpty()) {
                    chain.remove(i); // nothing sealed: fall back to a removal inside the chain
                } else {
                    long sealed = cps.get(cps.size() - 1).seq();
                    chain.removeIf(x -> x.seq() >= sealed - (where % sealed));
                }
            }
            case FORGE_CHECKPOINT -> {
                if (cps.isEmpty()) {
                    cps.add(new Checkpoint(e.seq(), e.hash(), 1000, SIGNER.keyId(), "AAAA"));
                } else {
                    Checkpoint c = cps.get(where % cps.size());
                    cps.set(where % cps.size(), new Checkpoint(c.seq(), e.hash().equals(c.hash()) ? "f".repeat(64) : e.hash(),
                            c.timeMs(), c.keyId(), c.signature()));
                }
            }
        }
        AuditVerifier.Report r = AuditVerifier.verify(chain, cps, List.of(KEY.getPublic()));
        assertThat(r.problems()).as("%s at %d", tamper, i).isNotEmpty();
    }

    static AuditEntry withSeq(AuditEntry e, long seq) {
        return new AuditEntry(seq, e.timeMs(), e.actor(), e.action(), e.subject(), e.result(), e.details(), e.prevHash(), e.hash());
    }

    /** The entry with one field changed (0 time, 1 actor, ..., 6 prevHash, 7 hash), the rest as stored. */
    static AuditEntry edit(AuditEntry e, int field) {
        return switch (field) {
            case 0 -> new AuditEntry(e.seq(), e.timeMs() + 1, e.actor(), e.action(), e.subject(), e.result(), e.details(), e.prevHash(), e.hash());
            case 1 -> new AuditEntry(e.seq(), e.timeMs(), e.actor() + "x", e.action(), e.subject(), e.result(), e.details(), e.prevHash(), e.hash());
            case 2 -> new AuditEntry(e.seq(), e.timeMs(), e.actor(), e.action() + "x", e.subject(), e.result(), e.details(), e.prevHash(), e.hash());
            case 3 -> new AuditEntry(e.seq(), e.timeMs(), e.actor(), e.action(), e.subject() + "x", e.result(), e.details(), e.prevHash(), e.hash());
            case 4 -> new AuditEntry(e.seq(), e.timeMs(), e.actor(), e.action(), e.subject(), e.result() + "x", e.details(), e.prevHash(), e.hash());
            case 5 -> new AuditEntry(e.seq(), e.timeMs(), e.actor(), e.action(), e.subject(), e.result(), e.details() + " ", e.prevHash(), e.hash());
            case 6 -> new AuditEntry(e.seq(), e.timeMs(), e.actor(), e.action(), e.subject(), e.result(), e.details(), "e".repeat(64), e.hash());
            default -> new AuditEntry(e.seq(), e.timeMs(), e.actor(), e.action(), e.subject(), e.result(), e.details(), e.prevHash(), "d".repeat(64));
        };
    }
}
