package gatehouse.monitor.ingest;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A fixed-size set of event-id fingerprints in a memory-mapped file: a header ({@code GHSEEN1\n} and the slot
 * count), then buckets of 8 slots of 8 bytes. An id's fingerprint is the first 64 bits of its SHA-256 (not a fast
 * hash: event ids come from the stream, and a crafted collision must not make a real event look like a repeat);
 * its bucket comes from the next bits. When a bucket is full, a slot chosen by the fingerprint is overwritten, so the
 * file never grows and old ids are forgotten first only statistically. Not thread-safe.
 */
final class SeenSet implements Closeable {
    private static final byte[] MAGIC = "GHSEEN1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 16;
    private static final int BUCKET = 8;

    private final FileChannel channel;
    private final MappedByteBuffer map;
    private final int buckets;
    private final MessageDigest sha256;

    private SeenSet(FileChannel channel, MappedByteBuffer map, int buckets) throws IOException {
        this.channel = channel;
        this.map = map;
        this.buckets = buckets;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("SHA-256 is required of every JDK", e);
        }
    }

    static SeenSet open(Path file, int slots) throws IOException {
        if (slots < BUCKET) {
            throw new IllegalArgumentException("a seen-set needs at least " + BUCKET + " slots: " + slots);
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            int buckets;
            if (ch.size() == 0) {
                buckets = (slots + BUCKET - 1) / BUCKET;
                ByteBuffer h = ByteBuffer.allocate(HEADER).put(MAGIC).putLong(buckets);
                h.flip();
                ch.write(h, 0);
            } else {
                ByteBuffer h = ByteBuffer.allocate(HEADER);
                ch.read(h, 0);
                h.flip();
                byte[] magic = new byte[MAGIC.length];
                h.get(magic);
                long b = h.remaining() >= 8 ? h.getLong() : -1;
                if (!java.util.Arrays.equals(magic, MAGIC) || b < 1 || b > Integer.MAX_VALUE / (BUCKET * 8)
                        || ch.size() > HEADER + b * BUCKET * 8) {
                    throw new IOException(file + " is not a Gatehouse seen-set file");
                }
                buckets = (int) b;
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, HEADER + (long) buckets * BUCKET * 8);
            return new SeenSet(ch, map, buckets);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Adds {@code id}; false when it was already present. */
    boolean add(String id) {
        byte[] h = sha256.digest(id.getBytes(StandardCharsets.UTF_8));
        ByteBuffer b = ByteBuffer.wrap(h);
        long fp = b.getLong();
        if (fp == 0) {
            fp = 1; // 0 marks an empty slot
        }
        int bucket = (int) Long.remainderUnsigned(b.getLong(), buckets);
        int base = HEADER + bucket * BUCKET * 8;
        for (int i = 0; i < BUCKET; i++) {
            long v = map.getLong(base + i * 8);
            if (v == fp) {
                return false;
            }
            if (v == 0) {
                map.putLong(base + i * 8, fp);
                return true;
            }
        }
        map.putLong(base + (int) Long.remainderUnsigned(fp, BUCKET) * 8, fp);
        return true;
    }

    int capacity() {
        return buckets * BUCKET;
    }

    @Override
    public void close() throws IOException {
        map.force();
        channel.close();
    }
}
