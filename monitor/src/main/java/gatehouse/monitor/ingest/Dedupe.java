package gatehouse.monitor.ingest;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Drops events whose {@code eventID} was seen before. CloudTrail delivers at least once and overlapping downloads
 * repeat whole files, so counting the same call twice would skew metrics and alarms.
 *
 * <p>Bounded memory: an LRU window of the most recent {@code window} ids (about 150 bytes each, so 100,000 ids
 * take about 15 MB), and optionally a {@link SeenSet} file of fixed size on disk (8 bytes per slot, mapped into
 * memory by the operating system, not the Java heap) that remembers ids across windows and restarts. An id that has
 * left both (the file evicts at random once a bucket is full) is treated as new: duplicates further apart than the
 * bound can pass, an event is never wrongly dropped except by a 64-bit fingerprint collision (about n/2^64).
 * Events without an id always pass. Not thread-safe.
 */
public final class Dedupe implements Predicate<Event>, Closeable {
    /** Default LRU window. */
    public static final int DEFAULT_WINDOW = 100_000;

    private final LinkedHashMap<String, Boolean> recent;
    private final SeenSet file;
    private long dropped;

    private Dedupe(int window, SeenSet file) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1: " + window);
        }
        this.recent = new LinkedHashMap<>(Math.min(window, 1 << 16) * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > window;
            }
        };
        this.file = file;
    }

    /** An in-memory window of the last {@code window} ids. */
    public static Dedupe inMemory(int window) {
        return new Dedupe(window, null);
    }

    /**
     * A window plus a persistent seen-set of {@code slots} ids in {@code seenFile} (created if absent; an existing
     * file keeps its own size).
     *
     * @throws IOException when the file cannot be created, mapped, or is not a seen-set file
     */
    public static Dedupe withSeenFile(int window, Path seenFile, int slots) throws IOException {
        return new Dedupe(window, SeenSet.open(seenFile, slots));
    }

    /** True the first time {@code eventId} is offered (always for null), false for a repeat. */
    public boolean firstSeen(String eventId) {
        if (eventId == null) {
            return true;
        }
        if (recent.put(eventId, Boolean.TRUE) != null) {
            dropped++;
            return false;
        }
        if (file != null && !file.add(eventId)) {
            dropped++;
            return false;
        }
        return true;
    }

    /** {@link #firstSeen} of the event's id: use as a stream filter. */
    @Override
    public boolean test(Event event) {
        return firstSeen(event.eventId());
    }

    /** Repeats dropped so far. */
    public long dropped() {
        return dropped;
    }

    /** Ids currently held in memory (at most the window). */
    public int windowSize() {
        return recent.size();
    }

    /** Flushes and closes the seen-set file, if any. */
    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }
}
