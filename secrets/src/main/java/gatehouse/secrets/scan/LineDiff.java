package gatehouse.secrets.scan;

import gatehouse.secrets.detect.Fragment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

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

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /** Eight bytes from {@code i}, little-endian: the first byte is the lowest. */
    static long word(byte[] b, int i) {
        return (long) LONGS.get(b, i);
    }

    /**
     * The high bit of each zero byte of {@code x}, and perhaps of bytes above the lowest zero one (a borrow may
     * carry): nonzero exactly when some byte is zero, and its lowest set bit marks the first.
     */
    static long zeroBytes(long x) {
        return (x - ONES) & ~x & HIGHS;
    }

    /** The hash so far with one more whole word of the line mixed in. */
    private static long mix(long h, long word) {
        return Long.rotateLeft((h ^ word) * 0xC2B2AE3D27D4EB4FL, 31);
    }

    /**
     * A version's lines, read from its bytes: each line's hash (newline excluded) and where each line begins,
     * with {@code starts[hashes.length] = length + 1}. Hashing the bytes rather than decoded text keeps the
     * reader, which sees every version of every file, to a few tenths of a nanosecond per byte: newlines are found
     * eight bytes at a time and each line is hashed a word at a time. UTF-8 never uses the newline byte inside a
     * character, so these are the text's lines.
     */
    record Lines(long[] hashes, int[] starts, boolean ascii) {
        int count() {
            return hashes.length;
        }
    }

    static Lines lines(byte[] b) {
        int n = b.length;
        Scratch scratch = SCRATCH.get();
        long[] hashes = scratch.hashes;
        int[] starts = scratch.starts;
        int k = 0;
        int from = 0;
        long high = 0; // the high bits of every byte read: zero for an all-ASCII version
        while (true) {
            // one pass per line: each word is tested for a newline and, up to it, hashed ({@link #hash})
            long h = 0;
            int i = from;
            int nl = -1;
            for (; i + 8 <= n; i += 8) {
                long word = word(b, i);
                high |= word;
                long t = zeroBytes(word ^ NEWLINES);
                if (t != 0) {
                    // the first newline's byte: t holds one high bit per newline byte; multiplying the lowest
                    // one, moved down to bit 8k, by bytes 7..0 brings k into the top byte (no bit-scan call)
                    int bytes = (int) ((((t & -t) >>> 7) * 0x0001020304050607L) >>> 56);
                    nl = i + bytes;
                    h = finish(h, bytes == 0 ? 0 : word & (-1L >>> (64 - 8 * bytes)), nl - from);
                    break;
                }
                h = mix(h, word);
            }
            if (nl < 0) {
                long tail = 0;
                int shift = 0;
                for (; i < n && b[i] != '\n'; i++, shift += 8) {
                    tail |= (b[i] & 0xFFL) << shift;
                }
                high |= tail;
                nl = i;
                h = finish(h, tail, nl - from);
            }
            if (k + 1 >= hashes.length) {
                hashes = Arrays.copyOf(hashes, hashes.length * 2);
                starts = Arrays.copyOf(starts, hashes.length + 1);
                scratch.hashes = hashes; // kept for the thread's next version
                scratch.starts = starts;
            }
            starts[k] = from;
            hashes[k++] = h;
            if (nl == n) {
                break;
            }
            from = nl + 1;
        }
        starts[k] = n + 1;
        return new Lines(Arrays.copyOf(hashes, k), Arrays.copyOf(starts, k + 1), (high & HIGHS) == 0);
    }

    /**
     * One thread's working arrays for {@link #lines}: a version's lines are gathered there and copied out at their
     * exact count, so reading every version of every file allocates what it keeps, not the doublings on the way.
     */
    private static final class Scratch {
        long[] hashes = new long[1024];
        int[] starts = new int[1025];
        /** {@link Table}'s slots, and the generation that marks a slot used in the current table. */
        long[] slots = new long[0];
        int[] stamps = new int[0];
        int generation;
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * A line's 64-bit hash: its whole words (little-endian) mixed in one by one, then the bytes after the last
     * whole word and the line's length. {@link #lines} computes it as it looks for the newline, word by word.
     */
    static long hash(byte[] b, int from, int to) {
        long h = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            h = mix(h, word(b, i));
        }
        long tail = 0;
        for (int shift = 0; i < to; i++, shift += 8) {
            tail |= (b[i] & 0xFFL) << shift;
        }
        return finish(h, tail, to - from);
    }

    private static long finish(long h, long tail, int length) {
        long x = (h ^ tail ^ (0x9E3779B97F4A7C15L * length)) * 0x165667B19E3779F9L;
        return x ^ (x >>> 32);
    }

    /**
     * The parts of the version to scan: each run of lines whose hash the old version lacks, widened by
     * {@link #CONTEXT} lines and merged with its neighbours, decoded (UTF-8, invalid sequences replaced, as the
     * whole file would be: a newline ends any broken sequence); each fragment knows its first line number.
     */
    static List<Fragment> addedWindows(byte[] content, Lines lines, long[] oldLines, String path, String commit) {
        long[] hashes = lines.hashes();
        int n = hashes.length;
        int m = oldLines.length;
        // lines the two versions share at the start and at the end are in the old version without a lookup; an
        // edit usually leaves only a few between them, which a scan of the old lines answers faster than a table
        int head = 0;
        while (head < n && head < m && hashes[head] == oldLines[head]) {
            head++;
        }
        int tail = 0;
        while (tail < n - head && tail < m - head && hashes[n - 1 - tail] == oldLines[m - 1 - tail]) {
            tail++;
        }
        Membership old = n - head - tail <= 4 ? new Scan(oldLines) : new Table(oldLines);
        List<Fragment> out = new ArrayList<>();
        int from = -1;
        int to = -1;
        for (int i = head; i < n - tail; i++) {
            if (old.contains(hashes[i])) {
                continue;
            }
            int a = Math.max(0, i - CONTEXT);
            int b = Math.min(n - 1, i + CONTEXT);
            if (from >= 0 && a <= to + 1) {
                to = Math.max(to, b);
            } else {
                if (from >= 0) {
                    out.add(window(content, lines, from, to, path, commit));
                }
                from = a;
                to = b;
            }
        }
        if (from >= 0) {
            out.add(window(content, lines, from, to, path, commit));
        }
        return out;
    }

    /** Whether the old version has a line of a given hash. */
    private sealed interface Membership permits Scan, Table {
        boolean contains(long hash);
    }

    private record Scan(long[] hashes) implements Membership {
        @Override
        public boolean contains(long hash) {
            for (long h : hashes) {
                if (h == hash) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * An open-addressing set of the old version's line hashes (already well mixed: their low bits index it), in the
     * thread's {@link Scratch} arrays: a slot is used when its stamp is the table's generation, so a new table
     * neither allocates nor clears (valid until the thread builds its next one).
     */
    private static final class Table implements Membership {
        private final long[] slots;
        private final int[] stamps;
        private final int generation;
        private final int mask;

        Table(long[] hashes) {
            int size = Integer.highestOneBit(Math.max(4, hashes.length) * 2 - 1) << 1;
            Scratch scratch = SCRATCH.get();
            if (scratch.slots.length < size) {
                scratch.slots = new long[size];
                scratch.stamps = new int[size];
                scratch.generation = 0;
            }
            if (++scratch.generation == Integer.MAX_VALUE) {
                Arrays.fill(scratch.stamps, 0);
                scratch.generation = 1;
            }
            slots = scratch.slots;
            stamps = scratch.stamps;
            generation = scratch.generation;
            mask = size - 1;
            for (long h : hashes) {
                int i = (int) h & mask;
                while (stamps[i] == generation && slots[i] != h) {
                    i = (i + 1) & mask;
                }
                stamps[i] = generation;
                slots[i] = h;
            }
        }

        @Override
        public boolean contains(long hash) {
            int i = (int) hash & mask;
            while (stamps[i] == generation) {
                if (slots[i] == hash) {
                    return true;
                }
                i = (i + 1) & mask;
            }
            return false;
        }
    }

    private static Fragment window(byte[] content, Lines lines, int first, int last, String path, String commit) {
        int s = lines.starts()[first];
        int e = Math.min(content.length, lines.starts()[last + 1] - 1);
        return new Fragment(decode(content, s, Math.max(0, e - s), lines.ascii()), path, commit, first + 1);
    }

    /**
     * Bytes as text: UTF-8 with invalid sequences replaced; an all-ASCII version as Latin-1, which gives the same
     * characters without first looking for a byte that is not ASCII.
     */
    static String decode(byte[] content, int from, int length, boolean ascii) {
        return new String(content, from, length, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    /**
     * Line hashes of recently read blobs, least recently used dropped first, bounded by a total line count. A blob's
     * hashes are promised when it is read (in history order) and computed by whichever thread scans it; the scan of
     * its next version waits for them.
     */
    static final class Versions {
        private final long budget;
        private long held;
        private final LinkedHashMap<String, Entry> map = new LinkedHashMap<>(1024, 0.75f, true);

        private static final class Entry {
            final CompletableFuture<long[]> hashes = new CompletableFuture<>();
            int lines;
        }

        Versions(long budget) {
            this.budget = budget;
        }

        /** The promised hashes of {@code oid}'s lines (null inside: they could not be computed), or null. */
        synchronized CompletableFuture<long[]> get(String oid) {
            Entry e = map.get(oid);
            return e == null ? null : e.hashes;
        }

        /** Promises {@code oid}'s hashes; {@link #complete} (always called, also on failure) keeps the promise. */
        synchronized CompletableFuture<long[]> promise(String oid) {
            Entry e = map.get(oid);
            if (e == null) {
                e = new Entry();
                map.put(oid, e);
            }
            return e.hashes;
        }

        void complete(String oid, CompletableFuture<long[]> promised, long[] hashes) {
            promised.complete(hashes);
            synchronized (this) {
                Entry e = map.get(oid);
                if (e == null || e.hashes != promised || e.lines > 0 || hashes == null) {
                    return;
                }
                e.lines = hashes.length;
                held += hashes.length;
                var it = map.entrySet().iterator();
                while (held > budget && it.hasNext()) {
                    Map.Entry<String, Entry> x = it.next();
                    if (x.getValue().hashes.isDone()) {
                        held -= x.getValue().lines;
                        it.remove();
                    }
                }
            }
        }
    }
}
