package gatehouse.audit;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks an audit chain and its checkpoints, and names each problem precisely: which entry, and what happened to it.
 *
 * <p>Every entry's hash covers its own seq, so an entry keeps its identity when rows are renumbered or swapped. The
 * verifier first works out, for each stored row, the seq it was <em>written</em> as: its stored seq when its hash
 * matches, else the seq that makes its hash match (the successor of the entry its {@code prevHash} names, or a seq
 * within {@value #WINDOW} of the stored one). A row no seq explains was <b>edited</b>. With the written seqs it then
 * finds <b>moved</b> rows (reordered or renumbered), <b>removed</b> ones (a written seq nobody holds), <b>inserted</b>
 * ones (a second entry claiming a written seq, which the next entry does not link to), and entries <b>edited</b> and
 * given a recomputed hash (the next entry links to a different hash). Checkpoints whose signature verifies then prove
 * what the chain alone cannot: that the tip was not <b>truncated</b>, and that the chain up to them was not
 * <b>rewritten</b> wholesale. A checkpoint whose signature fails, or that names a key not given, is <b>forged</b>.
 *
 * <p>What no verifier can see (docs/audit.md): entries appended or removed after the last verified checkpoint by
 * someone who can write the store, and a whole store replaced together with its checkpoints when the verifying key
 * is not pinned. Pure and thread-safe.
 */
public final class AuditVerifier {
    /** How far from its stored seq a renumbered entry is still recognised as moved rather than edited. */
    static final int WINDOW = 64;

    /** What kind of tampering a problem is. */
    public enum Kind {
        EDITED("edited"), MOVED("moved"), REMOVED("removed"), INSERTED("inserted"), TRUNCATED("truncated"),
        REWRITTEN("rewritten"), FORGED("forged");

        public final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /**
     * One problem found. {@code seq} is the entry's stored seq (for a removed or truncated range the first missing
     * one; for a forged checkpoint the checkpoint's seq); {@code where} is how the line starts ("seq 5", "seq 5-7",
     * "checkpoint 100").
     */
    public record Problem(Kind kind, long seq, String where, String message) {
        /** The one-line form: {@code seq 5: edited: ...}. */
        public String render() {
            return where + ": " + kind.label + ": " + message;
        }
    }

    /** Everything verify found: problems (empty when intact) and notes on what could not be checked. */
    public record Report(List<Problem> problems, List<String> notes, int entries, int checkpoints, int checkpointsVerified,
            long lastSeq) {
        public boolean intact() {
            return problems.isEmpty();
        }
    }

    private AuditVerifier() {}

    /**
     * Verifies {@code entries} (any order; sorted by seq here) and {@code checkpoints} against the trusted
     * {@code publicKeys} (empty: checkpoints are not checked, and a note says so).
     */
    public static Report verify(List<AuditEntry> entries, List<Checkpoint> checkpoints, List<PublicKey> publicKeys) {
        List<AuditEntry> rows = new ArrayList<>(entries);
        rows.sort(Comparator.comparingLong(AuditEntry::seq));
        List<Problem> problems = new ArrayList<>();

        // 1. the seq each row was written as (or edited)
        Map<String, AuditEntry> byHash = new HashMap<>();
        rows.forEach(r -> byHash.putIfAbsent(r.hash(), r));
        Map<String, Long> writtenByHash = new HashMap<>();
        long[] written = new long[rows.size()];
        boolean[] edited = new boolean[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            AuditEntry r = rows.get(i);
            Long w = writtenSeq(r, writtenByHash);
            if (w == null) {
                edited[i] = true;
                written[i] = r.seq();
                problems.add(new Problem(Kind.EDITED, r.seq(), "seq " + r.seq(), "its fields do not match its hash"));
            } else {
                written[i] = w;
                writtenByHash.putIfAbsent(r.hash(), w);
            }
        }

        // 2. moved rows, consecutive ones with the same offset in one line
        for (int i = 0; i < rows.size(); i++) {
            if (edited[i] || written[i] == rows.get(i).seq()) {
                continue;
            }
            long offset = written[i] - rows.get(i).seq();
            int j = i;
            while (j + 1 < rows.size() && !edited[j + 1] && rows.get(j + 1).seq() == rows.get(j).seq() + 1
                    && written[j + 1] - rows.get(j + 1).seq() == offset) {
                j++;
            }
            long a = rows.get(i).seq();
            long b = rows.get(j).seq();
            problems.add(i == j
                    ? new Problem(Kind.MOVED, a, "seq " + a, "holds the entry written as seq " + written[i])
                    : new Problem(Kind.MOVED, a, "seq " + a + "-" + b,
                            "hold the entries written as seq " + written[i] + "-" + written[j] + " (renumbered)"));
            i = j;
        }

        // 3. one original per written seq; the rest were inserted
        Set<String> linkedTo = new HashSet<>();
        rows.forEach(r -> linkedTo.add(r.prevHash()));
        Map<Long, Integer> original = new LinkedHashMap<>();
        Map<Long, List<Integer>> claims = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            claims.computeIfAbsent(written[i], k -> new ArrayList<>()).add(i);
        }
        long maxWritten = 0;
        for (int i = 0; i < rows.size(); i++) {
            long w = written[i];
            List<Integer> c = claims.get(w);
            if (w < 1) {
                problems.add(new Problem(Kind.INSERTED, rows.get(i).seq(), "seq " + rows.get(i).seq(),
                        "not part of the chain (the log starts at seq 1)"));
                continue;
            }
            maxWritten = Math.max(maxWritten, w);
            if (c.size() == 1) {
                original.put(w, i);
                continue;
            }
            if (original.containsKey(w) || isInserted(i, c, rows, linkedTo, edited)) {
                problems.add(new Problem(Kind.INSERTED, rows.get(i).seq(), "seq " + rows.get(i).seq(),
                        "not part of the chain (another entry holds position " + w + " and the chain runs through it)"));
            } else {
                original.put(w, i);
            }
        }

        // 4. removed ranges and broken links, in written order
        long gapStart = -1;
        for (long w = 1; w <= maxWritten + 1; w++) {
            Integer i = original.get(w);
            if (i == null && w <= maxWritten) {
                if (gapStart < 0) {
                    gapStart = w;
                }
                continue;
            }
            if (gapStart > 0) {
                long n = w - gapStart;
                problems.add(new Problem(Kind.REMOVED, gapStart, n == 1 ? "seq " + gapStart : "seq " + gapStart + "-" + (w - 1),
                        n == 1 ? "the entry is missing" : n + " entries are missing"));
                gapStart = -1;
                continue; // a link across a gap is explained by the gap
            }
            if (i == null || edited[i]) {
                continue;
            }
            AuditEntry r = rows.get(i);
            if (w == 1) {
                if (!r.prevHash().equals(AuditEntry.GENESIS)) {
                    problems.add(new Problem(Kind.EDITED, r.seq(), "seq " + r.seq(), "the first entry does not start from the genesis hash"));
                }
                continue;
            }
            Integer p = original.get(w - 1);
            if (p != null && !edited[p] && !r.prevHash().equals(rows.get(p).hash())) {
                AuditEntry prev = rows.get(p);
                problems.add(new Problem(Kind.EDITED, prev.seq(), "seq " + prev.seq(),
                        "rewritten with a recomputed hash (seq " + r.seq() + " links to a different entry)"));
            }
        }

        // 5. checkpoints
        List<Checkpoint> cps = new ArrayList<>(checkpoints);
        cps.sort(Comparator.comparingLong(Checkpoint::seq));
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        publicKeys.forEach(k -> keys.put(AuditKeys.keyId(k), k));
        List<String> notes = new ArrayList<>();
        int verified = 0;
        Checkpoint lastTrusted = null;
        for (Checkpoint cp : cps) {
            if (keys.isEmpty()) {
                continue;
            }
            PublicKey key = keys.get(cp.keyId());
            String where = "checkpoint " + cp.seq();
            if (key == null) {
                problems.add(new Problem(Kind.FORGED, cp.seq(), where, "signed by unknown key " + cp.keyId()
                        + " (verifying with " + String.join(", ", keys.keySet()) + ")"));
                continue;
            }
            if (!AuditKeys.verify(key, cp.signedBytes(), cp.signature())) {
                problems.add(new Problem(Kind.FORGED, cp.seq(), where, "the signature does not verify with key " + cp.keyId()));
                continue;
            }
            verified++;
            lastTrusted = cp;
            Integer i = original.get(cp.seq());
            if (i != null && !rows.get(i).hash().equals(cp.hash())) {
                problems.add(new Problem(Kind.REWRITTEN, rows.get(i).seq(), "seq " + rows.get(i).seq(),
                        "the checkpoint of " + cp.time() + " sealed hash " + cp.hash().substring(0, 12)
                                + "... but the entry has " + shortHash(rows.get(i).hash())
                                + "...: the chain up to it was recomputed"));
            }
        }
        if (lastTrusted != null && lastTrusted.seq() > maxWritten) {
            long from = maxWritten + 1;
            problems.add(new Problem(Kind.TRUNCATED, from, from == lastTrusted.seq() ? "seq " + from : "seq " + from + "-" + lastTrusted.seq(),
                    "the log ends at seq " + maxWritten + " but the checkpoint of " + lastTrusted.time() + " sealed seq "
                            + lastTrusted.seq() + " (entries after it, if any, cannot be known)"));
        }
        if (cps.isEmpty()) {
            notes.add("no checkpoints: a truncated tail or a chain recomputed from the start cannot be detected");
        } else if (keys.isEmpty()) {
            notes.add(cps.size() + " checkpoint" + (cps.size() == 1 ? " was" : "s were")
                    + " not verified: no public key (use --public-key or $" + AuditKeys.ENV_PUBLIC
                    + "); a truncated tail or a recomputed chain cannot be detected");
        }
        if (lastTrusted != null && lastTrusted.seq() < maxWritten) {
            notes.add("entries after seq " + lastTrusted.seq() + " are not sealed by a checkpoint yet: their removal would not be detected");
        }
        problems.sort(Comparator.comparingLong(Problem::seq).thenComparing(Problem::kind));
        return new Report(List.copyOf(problems), List.copyOf(notes), rows.size(), cps.size(), verified, maxWritten);
    }

    private static String shortHash(String h) {
        return h.length() > 12 ? h.substring(0, 12) : h;
    }

    /** The seq {@code r} was written as, or null when no seq explains its hash (it was edited). */
    private static Long writtenSeq(AuditEntry r, Map<String, Long> writtenByHash) {
        String hash = r.hash();
        if (hash.equals(r.hashAs(r.seq()))) {
            return r.seq();
        }
        Long pred = r.prevHash().equals(AuditEntry.GENESIS) ? Long.valueOf(0) : writtenByHash.get(r.prevHash());
        if (pred != null && hash.equals(r.hashAs(pred + 1))) {
            return pred + 1;
        }
        for (int d = 1; d <= WINDOW; d++) {
            if (hash.equals(r.hashAs(r.seq() + d))) {
                return r.seq() + d;
            }
            if (r.seq() - d >= 0 && hash.equals(r.hashAs(r.seq() - d))) {
                return r.seq() - d;
            }
        }
        return null;
    }

    /** Among rows claiming one written seq, {@code i} is inserted if another claimant is the one the chain continues from. */
    private static boolean isInserted(int i, List<Integer> claimants, List<AuditEntry> rows, Set<String> linkedTo, boolean[] edited) {
        boolean mine = linkedTo.contains(rows.get(i).hash());
        for (int j : claimants) {
            if (j != i && !edited[j] && linkedTo.contains(rows.get(j).hash()) && !mine) {
                return true;
            }
        }
        if (mine) {
            return false;
        }
        // nobody links to any claimant (they are at the tip): the first in stored order is kept
        return claimants.get(0) != i;
    }
}
