package gatehouse.monitor.ingest;

import java.util.Objects;

/**
 * How far a followed file was read: its size and modification time when it was read, and the number of its records
 * consumed (in order). A file whose size or time differs from its mark later is read again from record
 * {@code records} on, so records are neither lost nor counted twice when a file is completed or appended to.
 *
 * @param path absolute path of the file
 * @param size its size in bytes when it was last read
 * @param mtimeMs its modification time then, in epoch milliseconds
 * @param records records consumed
 * @param status how the last read ended
 */
public record FileMark(String path, long size, long mtimeMs, long records, Status status) {
    /** How the last read of a file ended. */
    public enum Status {
        /** Read to its end (or to a syntax error): read again only when it changes. */
        DONE,
        /** Its data ended inside a record (still being written, or a truncated gzip): read on when it changes. */
        PARTIAL,
        /** The run stopped in the middle of it: read on at the next start, changed or not. */
        READING
    }

    public FileMark {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(status, "status");
        if (records < 0) {
            throw new IllegalArgumentException("records must not be negative: " + records);
        }
    }

    /** Whether the file, now of {@code size} bytes and modified at {@code mtimeMs}, is still as this mark saw it. */
    public boolean unchanged(long size, long mtimeMs) {
        return this.size == size && this.mtimeMs == mtimeMs;
    }
}
