package gatehouse.monitor.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * One stream of records handed to a live run ({@code gatehouse monitor run --follow}, or an HTTP endpoint): a
 * followed file, or a request body. The run reads it on its own thread with {@link BatchReader}.
 *
 * @param name the stream's name in events' origins and diagnostics (a path, {@code request-12})
 * @param source opens the stream (plain or gzip)
 * @param skip records already consumed by an earlier read of the same file
 * @param file for a followed file, its path, size and modification time when it was found (records and status are
 *     filled in by the run); null for a request body
 */
public record Batch(String name, Source source, long skip, FileMark file) {
    /** Opens the stream; called once, on the run's thread. */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    public Batch {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
        if (skip < 0) {
            throw new IllegalArgumentException("skip must not be negative: " + skip);
        }
    }

    /** A file can be left in the middle when the run stops (it is read on at the next start); a request cannot. */
    public boolean resumable() {
        return file != null;
    }

    /**
     * What the run did with a batch.
     *
     * @param read how reading ended and how many records it consumed (including skipped ones)
     * @param events records processed (not skipped)
     * @param matched events that added a sample to a metric an alarm watches
     * @param duplicates events dropped because their {@code eventID} was already counted
     * @param late events whose period was already evaluated (not counted there)
     * @param untimed events without a usable {@code eventTime}
     * @param mark for a followed file, how far it was read (as committed), else null
     */
    public record Result(BatchReader.Outcome read, long events, long matched, long duplicates, long late, long untimed,
                         FileMark mark) {}
}
