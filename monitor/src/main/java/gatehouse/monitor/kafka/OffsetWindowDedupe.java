package gatehouse.monitor.kafka;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code eventID} dedupe for one partition whose decisions depend only on the partition's log, not on which
 * instance read it or when: a record is a repeat when a record with the same id lies among the {@code window}
 * offsets before it.
 *
 * <p>That is what lets the dedupe follow a partition to another instance without storing anything: the new owner
 * replays the {@code window} records before its start offset through {@link #remember} and from then on decides
 * exactly as the old owner would have. (The LRU of {@link gatehouse.monitor.ingest.Dedupe} depends on history
 * and so would let a repeat through, or drop a record, differently after a handover.) Memory: at most
 * {@code window} ids. Not thread-safe.
 */
final class OffsetWindowDedupe {
    private final int window;
    private final Map<String, Long> lastOffset = new HashMap<>();
    private final ArrayDeque<Entry> order = new ArrayDeque<>();

    private record Entry(long offset, String id) {}

    OffsetWindowDedupe(int window) {
        if (window < 0) {
            throw new IllegalArgumentException("window must be >= 0: " + window);
        }
        this.window = window;
    }

    /**
     * Whether the record at {@code offset} with {@code id} is the first in its window (true for a null id or a
     * window of 0), and remembers it. Offsets must increase from call to call.
     */
    boolean firstSeen(String id, long offset) {
        if (id == null || window == 0) {
            return true;
        }
        evictBefore(offset - window);
        Long prev = lastOffset.get(id);
        remember(id, offset);
        return prev == null;
    }

    /** Remembers a record read before the start offset, without deciding about it. */
    void remember(String id, long offset) {
        if (id == null || window == 0) {
            return;
        }
        evictBefore(offset - window);
        lastOffset.put(id, offset);
        order.addLast(new Entry(offset, id));
    }

    /** Ids currently held. */
    int size() {
        return lastOffset.size();
    }

    private void evictBefore(long lowest) {
        while (!order.isEmpty() && order.peekFirst().offset() < lowest) {
            Entry e = order.pollFirst();
            // a later occurrence of the same id keeps it in the window
            if (java.util.Objects.equals(lastOffset.get(e.id()), e.offset())) {
                lastOffset.remove(e.id());
            }
        }
    }
}
