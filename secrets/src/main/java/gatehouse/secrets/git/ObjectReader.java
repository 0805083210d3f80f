package gatehouse.secrets.git;

import gatehouse.secrets.git.CatFile.GitObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Reads objects straight from a repository's object directories: pack files (index versions 1 and 2, offset and
 * reference deltas, packs of any size), loose objects, and the alternates they name. This is what
 * {@code git cat-file --batch} does, without the second process and the pipe every byte then crosses: inflating
 * and applying deltas here costs a fraction of what git spends inflating, copying and writing the same objects.
 *
 * <p>It answers only what it can read for certain: an object it cannot find ({@link #read} returns null) or cannot
 * decode (throws {@link IOException}) is for the caller to ask git for, so a repository layout this class does not
 * know (SHA-256 object names — {@link #open} returns null —, a promisor remote, a pack written while the scan runs,
 * a corrupt copy where git knows a good one) is never read differently from git. Indexes are mapped and packs read
 * through a small buffer, not into the heap; the memory it holds is two fixed rings of delta bases. One thread at
 * a time.
 */
public final class ObjectReader implements AutoCloseable {
    private static final int OBJ_COMMIT = 1;
    private static final int OBJ_TAG = 4;
    private static final int OBJ_OFS_DELTA = 6;
    private static final int OBJ_REF_DELTA = 7;
    private static final String[] TYPE_NAMES = {null, "commit", "tree", "blob", "tag", null, null, null};
    /** Longer delta chains than git ever writes (its --depth is at most 4095) mean a corrupt pack (or a loop). */
    private static final int MAX_CHAIN = 10_000;
    /** A Java array holds at most about this many bytes. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;
    private static final long RECENT_BYTES = 4L << 20;
    /** Packs read directly at most (each holds a file open and a 64 KiB buffer). */
    static final int MAX_PACKS = 256;

    private final List<Path> objectDirs;
    private final List<Pack> packs = new ArrayList<>();
    private final Set<Path> packFiles = new HashSet<>();
    /** Objects that were delta bases (as git's delta base cache). */
    private final BaseCache cache;
    /**
     * The last objects asked for, in a much smaller budget: the next version of a file is often a delta on the
     * one asked for before it. Kept apart because keeping every object read for long makes each young collection
     * copy them all (measured: a 64 MiB cache of everything read cost more than it saved).
     */
    private final BaseCache recent;
    private final Inflater inflater = new Inflater();
    private byte[] scratch = new byte[1 << 16];
    private boolean rescanned;

    ObjectReader(List<Path> objectDirs, long cacheBytes) throws IOException {
        this.objectDirs = objectDirs;
        loadPacks();
        // no more than the packs hold (at least 1 MiB): a small repository's scan, such as the pre-push hook's
        // range, does not set aside the whole budget
        long packed = 0;
        for (Pack p : packs) {
            packed += p.size;
        }
        long room = Math.max(1 << 20, packed);
        this.cache = new BaseCache(Math.min(cacheBytes, room));
        this.recent = new BaseCache(Math.min(RECENT_BYTES, room));
    }

    /**
     * A reader for {@code git}'s repository, or null when this class cannot read it (object names other than
     * SHA-1, no object directory git names); callers then read every object through git.
     */
    public static ObjectReader open(Git git, long cacheBytes) {
        Git.Info info = git.info();
        return info == null ? null : open(info, cacheBytes);
    }

    /** {@link #open(Git, long)} from what git already said of the repository. */
    public static ObjectReader open(Git.Info info, long cacheBytes) {
        if (!"sha1".equals(info.objectFormat()) || info.objects() == null || !Files.isDirectory(info.objects())) {
            return null;
        }
        try {
            return new ObjectReader(withAlternates(info.objects()), cacheBytes);
        } catch (IOException e) {
            return null;
        }
    }

    /** The object directory and, depth first, the alternates it names (relative ones from it), each once. */
    static List<Path> withAlternates(Path objects) throws IOException {
        List<Path> out = new ArrayList<>();
        ArrayDeque<Path> todo = new ArrayDeque<>(List.of(objects));
        while (!todo.isEmpty() && out.size() < 64) {
            Path d = todo.pop().normalize();
            if (out.contains(d) || !Files.isDirectory(d)) {
                continue;
            }
            out.add(d);
            Path alt = d.resolve("info").resolve("alternates");
            if (Files.isRegularFile(alt)) {
                List<Path> next = new ArrayList<>();
                for (String line : Files.readAllLines(alt, StandardCharsets.UTF_8)) {
                    String s = line.strip();
                    if (!s.isEmpty() && !s.startsWith("#")) {
                        next.add(d.resolve(s));
                    }
                }
                for (int i = next.size() - 1; i >= 0; i--) {
                    todo.push(next.get(i));
                }
            }
        }
        return out;
    }

    private void loadPacks() throws IOException {
        for (Path dir : objectDirs) {
            Path packDir = dir.resolve("pack");
            if (!Files.isDirectory(packDir)) {
                continue;
            }
            try (DirectoryStream<Path> s = Files.newDirectoryStream(packDir, "*.idx")) {
                for (Path idx : s) {
                    String name = idx.getFileName().toString();
                    Path pack = idx.resolveSibling(name.substring(0, name.length() - 4) + ".pack");
                    if (packFiles.contains(idx) || !Files.isRegularFile(pack)) {
                        continue;
                    }
                    if (packs.size() >= MAX_PACKS) {
                        return; // a repository never repacked: the rest are read through git, not one descriptor each
                    }
                    try {
                        packs.add(new Pack(idx, pack));
                        packFiles.add(idx);
                    } catch (IOException e) {
                        // an index or pack this class cannot read: its objects are read through git
                    }
                }
            }
        }
    }

    /**
     * The object named {@code oid} (40 hex digits) with its content, or with content null when it is larger than
     * {@code maxBytes}; null if no pack or loose object here holds it.
     *
     * @throws IOException the object was found but could not be decoded (corrupt data, a delta base missing)
     */
    public GitObject read(String oid, long maxBytes) throws IOException {
        byte[] id = parseId(oid);
        if (id == null) {
            return null;
        }
        GitObject o = find(oid, id, maxBytes);
        if (o == null && !rescanned) {
            rescanned = true; // a pack written since the scan began (git gc, a fetch): look once more
            loadPacks();
            o = find(oid, id, maxBytes);
        }
        return o;
    }

    /** Where an object lies in the packs: which pack, at what offset. */
    private record Place(int pack, long offset) {}

    /** The first pack holding {@code id}, or null. */
    private Place inPacks(byte[] id) {
        for (int i = 0; i < packs.size(); i++) {
            long off = packs.get(i).offsetOf(id);
            if (off >= 0) {
                return new Place(i, off);
            }
        }
        return null;
    }

    private GitObject find(String oid, byte[] id, long maxBytes) throws IOException {
        Place place = inPacks(id);
        if (place != null) {
            return packed(oid, place.pack(), place.offset(), maxBytes);
        }
        for (Path dir : objectDirs) {
            Path loose = dir.resolve(oid.substring(0, 2)).resolve(oid.substring(2));
            try {
                return loose(oid, loose, maxBytes);
            } catch (NoSuchFileException e) {
                // not in this directory
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ loose objects

    private static GitObject loose(String oid, Path file, long maxBytes) throws IOException {
        try (InputStream in = new InflaterInputStream(Files.newInputStream(file), new Inflater(), 1 << 16)) {
            StringBuilder header = new StringBuilder(24);
            int c;
            while ((c = in.read()) > 0) {
                if (header.length() > 32) {
                    throw new IOException("loose object " + oid + ": bad header");
                }
                header.append((char) c);
            }
            int sp = header.indexOf(" ");
            if (c != 0 || sp < 0) {
                throw new IOException("loose object " + oid + ": bad header");
            }
            String type = header.substring(0, sp);
            long size;
            try {
                size = Long.parseLong(header.substring(sp + 1));
            } catch (NumberFormatException e) {
                throw new IOException("loose object " + oid + ": bad size");
            }
            if (size < 0 || !Arrays.asList(TYPE_NAMES).contains(type)) {
                throw new IOException("loose object " + oid + ": bad header");
            }
            if (size > maxBytes || size > MAX_ARRAY) {
                return new GitObject(oid, type, size, null);
            }
            byte[] content = in.readNBytes((int) size);
            if (content.length != size || in.read() >= 0) {
                throw new IOException("loose object " + oid + ": size does not match its header");
            }
            return new GitObject(oid, type, size, content);
        }
    }

    // ------------------------------------------------------------------ packed objects

    /** One step of a delta chain still to apply: where the delta's data starts and its inflated size. */
    private record Step(int pack, long offset, long dataAt, long size) {}

    private GitObject packed(String oid, int packIndex, long offset, long maxBytes) throws IOException {
        ArrayDeque<Step> deltas = new ArrayDeque<>();
        int pack = packIndex;
        long at = offset;
        // the object built so far: base[baseAt, baseAt + baseLength) — a fresh array, or a view of a cache's ring
        byte[] base;
        int baseAt = 0;
        int baseLength;
        boolean fresh;
        int type;
        while (true) {
            BaseCache.Slot hit = cache.get(pack, at);
            BaseCache from = cache;
            if (hit == null) {
                hit = recent.get(pack, at);
                from = recent;
            }
            if (hit != null) {
                base = from.ring;
                baseAt = hit.at();
                baseLength = hit.length();
                fresh = false;
                type = hit.type();
                break;
            }
            Pack p = packs.get(pack);
            Header h = p.header(at);
            if (h.type() >= OBJ_COMMIT && h.type() <= OBJ_TAG) {
                type = h.type();
                if (deltas.isEmpty() && (h.size() > maxBytes || h.size() > MAX_ARRAY)) {
                    return new GitObject(oid, TYPE_NAMES[type], h.size(), null);
                }
                base = inflate(p, at, h.dataAt(), h.size());
                baseLength = base.length;
                fresh = true;
                (deltas.isEmpty() ? recent : cache).put(pack, at, type, base, 0, baseLength);
                break;
            }
            if (deltas.size() >= MAX_CHAIN) {
                throw new IOException("pack " + p.file.getFileName() + ": delta chain too long at offset " + offset);
            }
            deltas.push(new Step(pack, at, h.dataAt(), h.size()));
            if (h.type() == OBJ_OFS_DELTA) {
                at = h.base();
            } else {
                Place where = inPacks(h.baseId());
                if (where == null) {
                    throw new IOException("pack " + p.file.getFileName() + ": delta base "
                            + HexFormat.of().formatHex(h.baseId()) + " not in a pack");
                }
                pack = where.pack();
                at = where.offset();
            }
        }
        while (!deltas.isEmpty()) {
            Step s = deltas.pop();
            Pack sp = packs.get(s.pack());
            if (deltas.isEmpty()) {
                long size = resultSize(sp, s);
                if (size > Math.min(maxBytes, MAX_ARRAY)) {
                    return new GitObject(oid, TYPE_NAMES[type], size, null);
                }
            }
            if (s.size() > MAX_ARRAY) {
                throw new IOException("delta of " + oid + " too large");
            }
            if (scratch.length < s.size()) {
                scratch = new byte[(int) Math.max(s.size(), Math.min(MAX_ARRAY, 2L * scratch.length))];
            }
            // the delta is inflated into a buffer kept from one object to the next: only the result is new
            int n = inflateInto(sp, s.offset(), s.dataAt(), scratch, (int) s.size());
            try {
                base = Delta.apply(base, baseAt, baseLength, scratch, n);
            } catch (IOException e) {
                throw new IOException("pack " + sp.file.getFileName() + ": object at offset " + s.offset() + ": "
                        + e.getMessage());
            }
            baseAt = 0;
            baseLength = base.length;
            fresh = true;
            (deltas.isEmpty() ? recent : cache).put(s.pack(), s.offset(), type, base, 0, baseLength);
        }
        if (baseLength > maxBytes) {
            return new GitObject(oid, TYPE_NAMES[type], baseLength, null);
        }
        byte[] content = fresh ? base : Arrays.copyOfRange(base, baseAt, baseAt + baseLength);
        return new GitObject(oid, TYPE_NAMES[type], baseLength, content);
    }

    /** The size a delta produces, from the start of its data. */
    private long resultSize(Pack p, Step s) throws IOException {
        byte[] head = inflatePrefix(p, s.offset(), s.dataAt(), (int) Math.min(s.size(), 20));
        int[] pos = {0};
        Delta.varint(head, pos, head.length); // the base's size
        return Delta.varint(head, pos, head.length);
    }

    private byte[] inflate(Pack p, long at, long dataAt, long size) throws IOException {
        if (size > MAX_ARRAY) {
            throw new IOException("object at offset " + at + " of " + p.file.getFileName() + " too large to read");
        }
        byte[] out = new byte[(int) size];
        inflateInto(p, at, dataAt, out, out.length);
        return out;
    }

    private byte[] inflatePrefix(Pack p, long at, long dataAt, int n) throws IOException {
        byte[] out = new byte[n];
        int got = inflateInto(p, at, dataAt, out, -1);
        return got == n ? out : Arrays.copyOf(out, got);
    }

    /**
     * Inflates the zlib stream at {@code dataAt} (of the object whose entry is at {@code at}) into {@code out};
     * {@code whole} >= 0: the stream must hold exactly that many bytes (else an IOException); -1: as many as
     * {@code out} holds, or fewer. Returns how many it inflated.
     */
    private int inflateInto(Pack p, long at, long dataAt, byte[] out, int whole) throws IOException {
        int limit = whole >= 0 ? whole : out.length;
        Inflater inf = inflater;
        inf.reset();
        long pos = dataAt;
        ByteBuffer in = p.window(pos);
        int start = in.position();
        inf.setInput(in);
        int got = 0;
        try {
            while (true) {
                int n = inf.inflate(out, got, limit - got);
                got += n;
                if (inf.finished()) {
                    break;
                }
                if (got == limit) {
                    if (whole < 0) {
                        return got;
                    }
                    // the output is full: the stream must end now (with no more output)
                    byte[] probe = new byte[1];
                    if (inf.inflate(probe) > 0) {
                        throw new IOException("pack " + p.file.getFileName() + ": object at offset " + at
                                + " is longer than its header says");
                    }
                    if (inf.finished()) {
                        break;
                    }
                }
                if (inf.needsDictionary()) {
                    throw new IOException("pack " + p.file.getFileName() + ": object at offset " + at + ": bad zlib stream");
                }
                if (inf.needsInput()) {
                    pos += in.position() - start;
                    if (pos >= p.dataEnd) {
                        throw new IOException("pack " + p.file.getFileName() + ": object at offset " + at + " is truncated");
                    }
                    in = p.window(pos);
                    start = in.position();
                    inf.setInput(in);
                } else if (n == 0 && got < limit) {
                    throw new IOException("pack " + p.file.getFileName() + ": object at offset " + at + ": bad zlib stream");
                }
            }
        } catch (DataFormatException e) {
            throw new IOException("pack " + p.file.getFileName() + ": object at offset " + at + ": bad zlib stream (" + e.getMessage() + ")");
        }
        if (whole >= 0 && got != whole) {
            throw new IOException("pack " + p.file.getFileName() + ": object at offset " + at + " is shorter than its header says");
        }
        return got;
    }

    /** An object's entry header in a pack: its type, inflated size, where its data starts and its delta base. */
    private record Header(int type, long size, long dataAt, long base, byte[] baseId) {}

    /**
     * A pack file, read through a small buffer with positional reads (the page cache does the rest), and its index,
     * mapped. Reading rather than mapping the pack keeps this process's memory the same for a 100 MB pack and a
     * 10 GB one.
     */
    private static final class Pack {
        /** Bytes read at a time: most packed objects are smaller, and a larger one is inflated window by window. */
        static final int WINDOW = 64 << 10;
        /** An object's entry header is at most this long (type and size, then a 20-byte id or an offset). */
        static final int HEADER_MAX = 32;
        final Path file;
        final ByteBuffer idx;
        final int version;
        final int count;
        final int[] fanout = new int[256];
        final FileChannel channel;
        ByteBuffer buffer = ByteBuffer.allocateDirect(0);
        long bufferAt = -1;
        final long size;
        final long dataEnd;

        Pack(Path idxFile, Path packFile) throws IOException {
            this.file = packFile;
            try (FileChannel c = FileChannel.open(idxFile, StandardOpenOption.READ)) {
                if (c.size() < 8 + 1024 + 20 + 20 || c.size() > MAX_ARRAY) {
                    throw new IOException("bad pack index " + idxFile);
                }
                idx = c.map(FileChannel.MapMode.READ_ONLY, 0, c.size()).order(ByteOrder.BIG_ENDIAN);
            }
            boolean v2 = idx.getInt(0) == 0xff744f63;
            if (v2 && idx.getInt(4) != 2) {
                throw new IOException("unknown pack index version " + idx.getInt(4) + " in " + idxFile);
            }
            version = v2 ? 2 : 1;
            int base = v2 ? 8 : 0;
            int prev = 0;
            for (int i = 0; i < 256; i++) {
                fanout[i] = idx.getInt(base + 4 * i);
                if (fanout[i] < prev) {
                    throw new IOException("bad pack index " + idxFile);
                }
                prev = fanout[i];
            }
            count = fanout[255];
            long need = v2 ? 8 + 1024 + 28L * count + 40 : 1024 + 24L * count + 40;
            if (count < 0 || idx.capacity() < need) {
                throw new IOException("truncated pack index " + idxFile);
            }
            channel = FileChannel.open(packFile, StandardOpenOption.READ);
            size = channel.size();
            if (size < 12 + 20) {
                channel.close();
                throw new IOException("truncated pack " + packFile);
            }
            dataEnd = size - 20;
            ByteBuffer h = ByteBuffer.allocate(12);
            while (h.hasRemaining() && channel.read(h, h.position()) > 0) {
                // the pack's header: signature, version, object count
            }
            if (h.hasRemaining() || h.getInt(0) != 0x5041434b || (h.getInt(4) != 2 && h.getInt(4) != 3)) {
                channel.close();
                throw new IOException("not a pack file (or an unknown version): " + packFile);
            }
        }

        /**
         * A view of the pack from {@code pos} on, positioned at {@code pos}: the buffer as it is if it holds
         * {@code pos} and a whole entry header after it, else refilled from {@code pos}. Valid until the next call.
         */
        ByteBuffer window(long pos) throws IOException {
            if (buffer.capacity() == 0) {
                buffer = ByteBuffer.allocateDirect(WINDOW); // once the pack is read at all
            }
            long end = bufferAt + buffer.limit();
            if (bufferAt < 0 || pos < bufferAt || pos >= end || (pos + HEADER_MAX > end && end < size)) {
                buffer.clear();
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer, pos + buffer.position()) < 0) {
                        break;
                    }
                }
                buffer.flip();
                bufferAt = pos;
            }
            ByteBuffer b = buffer.duplicate();
            b.position((int) (pos - bufferAt));
            return b;
        }

        /** The object's offset in the pack, or -1. */
        long offsetOf(byte[] id) {
            int first = id[0] & 0xff;
            int lo = first == 0 ? 0 : fanout[first - 1];
            int hi = fanout[first] - 1;
            int names = version == 2 ? 8 + 1024 : 1024 + 4;
            int stride = version == 2 ? 20 : 24;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                int cmp = compare(idx, names + mid * stride, id);
                if (cmp == 0) {
                    return offsetAt(mid);
                }
                if (cmp < 0) {
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return -1;
        }

        private long offsetAt(int i) {
            if (version == 1) {
                return idx.getInt(1024 + 24 * i) & 0xffffffffL;
            }
            int table = 8 + 1024 + 24 * count;
            int o = idx.getInt(table + 4 * i);
            if (o >= 0) {
                return o;
            }
            int large = table + 4 * count + 8 * (o & 0x7fffffff);
            return large + 8 <= idx.capacity() ? idx.getLong(large) : -1;
        }

        private static int compare(ByteBuffer b, int at, byte[] id) {
            for (int k = 0; k < 20; k++) {
                int c = Integer.compare(b.get(at + k) & 0xff, id[k] & 0xff);
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        }

        Header header(long at) throws IOException {
            if (at < 12 || at >= dataEnd) {
                throw new IOException("pack " + file.getFileName() + ": no object at offset " + at);
            }
            ByteBuffer b = window(at);
            try {
                int c = b.get() & 0xff;
                int type = (c >> 4) & 7;
                long size = c & 15;
                int shift = 4;
                while ((c & 0x80) != 0) {
                    if (shift > 56) {
                        throw new IOException("pack " + file.getFileName() + ": bad object header at offset " + at);
                    }
                    c = b.get() & 0xff;
                    size |= (long) (c & 0x7f) << shift;
                    shift += 7;
                }
                long base = -1;
                byte[] baseId = null;
                if (type == OBJ_OFS_DELTA) {
                    c = b.get() & 0xff;
                    long back = c & 0x7f;
                    while ((c & 0x80) != 0) {
                        if (back > (Long.MAX_VALUE >> 8)) {
                            throw new IOException("pack " + file.getFileName() + ": bad delta offset at " + at);
                        }
                        c = b.get() & 0xff;
                        back = ((back + 1) << 7) | (c & 0x7f);
                    }
                    base = at - back;
                    if (back <= 0 || base < 12) {
                        throw new IOException("pack " + file.getFileName() + ": bad delta offset at " + at);
                    }
                } else if (type == OBJ_REF_DELTA) {
                    baseId = new byte[20];
                    b.get(baseId);
                } else if (type < OBJ_COMMIT || type > OBJ_TAG) {
                    throw new IOException("pack " + file.getFileName() + ": unknown object type " + type + " at offset " + at);
                }
                long dataAt = at + (b.position() - (int) (at - bufferAt));
                return new Header(type, size, dataAt, base, baseId);
            } catch (java.nio.BufferUnderflowException e) {
                throw new IOException("pack " + file.getFileName() + ": truncated object header at offset " + at);
            }
        }
    }

    /** Git's delta format: the base's size, the result's size, then copy (from the base) and insert instructions. */
    static final class Delta {
        private Delta() {}

        static long varint(byte[] d, int[] pos, int limit) throws IOException {
            long v = 0;
            int shift = 0;
            int c;
            do {
                if (pos[0] >= limit || shift > 56) {
                    throw new IOException("bad delta header");
                }
                c = d[pos[0]++] & 0xff;
                v |= (long) (c & 0x7f) << shift;
                shift += 7;
            } while ((c & 0x80) != 0);
            return v;
        }

        static byte[] apply(byte[] base, byte[] delta) throws IOException {
            return apply(base, 0, base.length, delta, delta.length);
        }

        /** Applies the delta held in {@code delta[0, length)} to the base {@code base[baseAt, baseAt + baseLength)}. */
        static byte[] apply(byte[] base, int baseAt, int baseLength, byte[] delta, int length) throws IOException {
            int[] pos = {0};
            long baseSize = varint(delta, pos, length);
            long size = varint(delta, pos, length);
            if (baseSize != baseLength) {
                throw new IOException("delta base is " + baseLength + " bytes, the delta expects " + baseSize);
            }
            if (size > MAX_ARRAY) {
                throw new IOException("delta result too large");
            }
            byte[] out = new byte[(int) size];
            int o = 0;
            int p = pos[0];
            while (p < length) {
                int cmd = delta[p++] & 0xff;
                if ((cmd & 0x80) != 0) {
                    long off = 0;
                    long len = 0;
                    for (int k = 0; k < 4; k++) {
                        if ((cmd & (1 << k)) != 0) {
                            if (p >= length) {
                                throw new IOException("truncated delta");
                            }
                            off |= (long) (delta[p++] & 0xff) << (8 * k);
                        }
                    }
                    for (int k = 0; k < 3; k++) {
                        if ((cmd & (0x10 << k)) != 0) {
                            if (p >= length) {
                                throw new IOException("truncated delta");
                            }
                            len |= (long) (delta[p++] & 0xff) << (8 * k);
                        }
                    }
                    if (len == 0) {
                        len = 0x10000;
                    }
                    if (off + len > baseLength || o + len > out.length) {
                        throw new IOException("delta copies outside its base or result");
                    }
                    System.arraycopy(base, baseAt + (int) off, out, o, (int) len);
                    o += (int) len;
                } else if (cmd != 0) {
                    if (p + cmd > length || o + cmd > out.length) {
                        throw new IOException("delta inserts past its end");
                    }
                    System.arraycopy(delta, p, out, o, cmd);
                    p += cmd;
                    o += cmd;
                } else {
                    throw new IOException("delta has the reserved instruction 0");
                }
            }
            if (o != out.length) {
                throw new IOException("delta result is " + o + " bytes, its header says " + out.length);
            }
            return out;
        }
    }

    /**
     * Recently built objects, copied into one ring of fixed size and dropped oldest first as it is written over.
     * One array for the cache's whole life: the garbage collector copies it once, where a cache of an array per
     * object had each young collection copy every object cached since the last one (measured: a third of the
     * time spent collecting in a history scan).
     */
    static final class BaseCache {
        record Slot(int at, int length, int type) {}

        private final int capacity;
        byte[] ring = new byte[0];
        private int write;
        private final HashMap<Long, Slot> map = new HashMap<>();
        /** Keys in ring order from the write position on: the first is the next to be written over. */
        private final ArrayDeque<Long> order = new ArrayDeque<>();

        BaseCache(long budget) {
            this.capacity = (int) Math.min(budget, 1 << 30);
        }

        private static long key(int pack, long offset) {
            return ((long) pack << 48) | offset;
        }

        Slot get(int pack, long offset) {
            return map.get(key(pack, offset));
        }

        /** Keeps a copy of {@code data[at, at + length)} (not when over a quarter of the ring, or empty). */
        void put(int pack, long offset, int type, byte[] data, int at, int length) {
            long key = key(pack, offset);
            if (length == 0 || length > capacity / 4 || map.containsKey(key)) {
                return;
            }
            if (ring.length == 0) {
                ring = new byte[capacity]; // only once something is worth keeping
            }
            if (write + length > capacity) {
                // the rest of the ring is too short: what lies there is the oldest; drop it and start over at 0
                while (!order.isEmpty() && map.get(order.peekFirst()).at() >= write) {
                    map.remove(order.pollFirst());
                }
                write = 0;
            }
            while (!order.isEmpty()) {
                Slot first = map.get(order.peekFirst());
                if (first.at() >= write + length || first.at() + first.length() <= write) {
                    break; // the oldest does not lie where this goes (in the first lap, all lie behind)
                }
                map.remove(order.pollFirst());
            }
            System.arraycopy(data, at, ring, write, length);
            map.put(key, new Slot(write, length, type));
            order.addLast(key);
            write += length;
        }

        int size() {
            return map.size();
        }
    }

    /** The 20 bytes of a 40-hex-digit object name, or null if it is not one. */
    static byte[] parseId(String oid) {
        if (oid.length() != 40) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(oid);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void close() {
        inflater.end();
        for (Pack p : packs) {
            try {
                p.channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        packs.clear();
        cache.map.clear();
        recent.map.clear();
        cache.ring = new byte[0];
        recent.ring = new byte[0];
    }
}
