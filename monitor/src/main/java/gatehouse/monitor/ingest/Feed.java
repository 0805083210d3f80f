package gatehouse.monitor.ingest;

import gatehouse.core.Diagnostic;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A producer of {@link Batch}es for a live run, on threads of its own: a followed directory, an HTTP endpoint. The
 * run consumes the batches one at a time, on one thread, in the order they were submitted.
 */
public interface Feed extends AutoCloseable {
    /** Starts producing into {@code sink}; returns once the feed is ready (e.g. its socket is bound). */
    void start(Sink sink) throws IOException;

    /**
     * Whether the feed is at work on something that may yet become a batch (a scan, a request being received): an
     * idle stop waits while it is. Thread-safe.
     */
    default boolean busy() {
        return false;
    }

    /** Stops producing, waits for the feed's threads, releases what it holds. Idempotent. */
    @Override
    void close();

    /** What a feed hands its batches to. Thread-safe. */
    interface Sink {
        /**
         * Queues {@code batch}. The future completes once the batch's events and state are committed to the store
         * (so a caller that waits for it knows they survive a crash), or exceptionally with
         * {@link java.util.concurrent.RejectedExecutionException} when the run is stopping and did not take it.
         */
        CompletableFuture<Batch.Result> submit(Batch batch);

        /** How far each followed file was read, as stored at the start of the run (by absolute path). */
        Map<String, FileMark> files();

        /** A warning for the user (a file still being written, a refused request). */
        void warn(String origin, String message);

        /** An input error for the user; the run goes on, and ends with exit code 2. */
        void error(Diagnostic diagnostic);
    }
}
