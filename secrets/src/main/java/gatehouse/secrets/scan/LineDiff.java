package gatehouse.secrets.scan;

import gatehouse.secrets.detect.Fragment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a new version of a file added, line by line, for the history scan: a file modified in a commit is scanned
 * only on the lines the old version did not have (and {@link #CONTEXT} lines around them, so that a secret whose
 * rule needs the line before — or a multi-line block that grew — is still seen whole). Lines are compared by a
 * 64-bit hash; the hashes of recently read versions are kept in a bounded cache, so memory does not grow with
 * the history. When the old version is not in the cache the whole new version is scanned: never less.
 */
final class LineDiff {
    private LineDiff() {}

    /** Lines of context around each added run of lines. */
    static final int CONTEXT = 2;
    /** How many line hashes (8 bytes each) the version cache holds at most: 32 MB. */
    static final int CACHE_LINES = 4 << 20;

    /** The hash of each line of {@code text} (FNV-1a over the characters, newline excluded). */
    static long[] hashes(String text) {
        int lines = 1;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lines++;
            }
        }
        long[] out = new long[lines];
        long h = 0xcbf29ce484222325L;
        int k = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                out[k++] = h;
                h = 0xcbf29ce484222325L;
            } else {
                h = (h ^ c) * 0x100000001b3L;
            }
        }
        out[k] = h;
        return out;
    }

    /**
     * The parts of {@code text} to scan: each run of lines whose hash the old version lacks, widened by
     * {@link #CONTEXT} lines and merged with its neighbours; each fragment knows its first line number.
     */
    static List<Fragment> addedWindows(String text, long[] lines, long[] oldLines, String path, String commit) {
        long[] old = oldLines.clone();
        Arrays.sort(old);
        int n = lines.length;
        List<int[]> runs = new ArrayList<>();
        int from = -1;
        int to = -1;
        for (int i = 0; i < n; i++) {
            if (Arrays.binarySearch(old, lines[i]) >= 0) {
                continue;
            }
            int a = Math.max(0, i - CONTEXT);
            int b = Math.min(n - 1, i + CONTEXT);
            if (from >= 0 && a <= to + 1) {
                to = Math.max(to, b);
            } else {
                if (from >= 0) {
                    runs.add(new int[] {from, to});
                }
                from = a;
                to = b;
            }
        }
        if (from >= 0) {
            runs.add(new int[] {from, to});
        }
        if (runs.isEmpty()) {
            return List.of();
        }
        int[] starts = new int[n + 1];
        int k = 1;
        for (int i = 0; i < text.length() && k < n; i++) {
            if (text.charAt(i) == '\n') {
                starts[k++] = i + 1;
            }
        }
        starts[n] = text.length() + 1;
        List<Fragment> out = new ArrayList<>(runs.size());
        for (int[] r : runs) {
            int s = starts[r[0]];
            int e = Math.min(text.length(), starts[r[1] + 1] - 1);
            out.add(new Fragment(text.substring(s, Math.max(s, e)), path, commit, r[0] + 1));
        }
        return out;
    }

    /** Line hashes of recently read blobs, least recently used dropped first, bounded by a total line count. */
    static final class Versions {
        private final long budget;
        private long held;
        private final LinkedHashMap<String, long[]> map = new LinkedHashMap<>(1024, 0.75f, true);

        Versions(long budget) {
            this.budget = budget;
        }

        long[] get(String oid) {
            return map.get(oid);
        }

        void put(String oid, long[] hashes) {
            if (hashes.length > budget || map.containsKey(oid)) {
                return;
            }
            map.put(oid, hashes);
            held += hashes.length;
            var it = map.entrySet().iterator();
            while (held > budget && it.hasNext()) {
                Map.Entry<String, long[]> e = it.next();
                held -= e.getValue().length;
                it.remove();
            }
        }
    }
}
