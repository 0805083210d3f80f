package gatehouse.monitor.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.core.Diagnostic;
import gatehouse.core.SourceSpan;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads the records of one stream of a live run (a followed file, an HTTP request body), in the formats of
 * {@link EventSource}, and tells how the stream ended: at its end, inside a record (data that is still being written,
 * or a gzip stream cut short), at a syntax error, or because the consumer asked to stop. It counts the records it
 * consumed so that a later read of the same (grown or completed) stream can skip exactly those.
 *
 * <p>Memory: one record at a time, whatever the size of the stream. Thread-safe (no state between calls).
 */
public final class BatchReader {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;
    /** A syntax error this close to the end of the data that has arrived is taken for data still being written. */
    private static final int NEAR_END = 64;

    private BatchReader() {}

    /** How a read ended. */
    public enum End {
        /** At the end of the stream, after a whole record (or none). */
        COMPLETE,
        /** The data ended inside a record: a file still being written, or a truncated gzip stream. */
        PARTIAL,
        /** A syntax error, or a shape that is not a stream of records, before the end. */
        MALFORMED,
        /** The consumer asked to stop. */
        STOPPED
    }

    /**
     * What a read did.
     *
     * @param records records consumed, including the skipped ones (where a later read would go on from)
     * @param end how it ended
     * @param problem for {@link End#MALFORMED} and {@link End#PARTIAL}, where and what ({@code name:line:col}), else null
     */
    public record Outcome(long records, End end, Diagnostic problem) {}

    /**
     * Reads {@code raw} (plain or gzip, recognised by its magic bytes) to its end, skipping its first {@code skip}
     * records and handing each other one to {@code sink}, which returns false to stop after that record.
     *
     * @param name the stream's name in events' origins and in diagnostics
     * @param keep the paths to keep in each record, or null for all (as {@link EventSource#of(java.util.List,
     *     InputStream, java.util.function.Consumer, Projection)})
     * @throws IOException when the stream cannot be read at all (not for bad or cut-short content)
     */
    public static Outcome read(String name, InputStream raw, long skip, Projection keep, Predicate<Event> sink) throws IOException {
        Counting decoded;
        long records = 0;
        RecordReader reader;
        try {
            decoded = new Counting(decode(raw));
            reader = new RecordReader(name, decoded, MAPPER, keep);
        } catch (EOFException e) {
            return new Outcome(0, End.PARTIAL, problem(name, null, "gzip stream is truncated: " + e.getMessage()));
        } catch (ZipException e) {
            return new Outcome(0, End.MALFORMED, problem(name, null, "gzip stream is corrupt: " + e.getMessage()));
        }
        try (reader) {
            while (true) {
                Event e;
                try {
                    e = reader.next();
                } catch (RecordReader.BadInput ex) {
                    return failed(name, records, ex.location, ex.getMessage(), decoded, false);
                } catch (JsonEOFException ex) {
                    return failed(name, records, ex.getLocation(), "invalid JSON: " + firstLine(ex.getOriginalMessage()), decoded, true);
                } catch (JsonProcessingException ex) {
                    JsonLocation at = ex.getLocation() != null ? ex.getLocation() : reader.location();
                    return failed(name, records, at, "invalid JSON: " + firstLine(ex.getOriginalMessage()), decoded, false);
                } catch (EOFException ex) {
                    return new Outcome(records, End.PARTIAL, problem(name, reader.location(), "gzip stream is truncated: " + ex.getMessage()));
                } catch (ZipException ex) {
                    return new Outcome(records, End.MALFORMED, problem(name, reader.location(), "gzip stream is corrupt: " + ex.getMessage()));
                } catch (UncheckedIOException ex) {
                    throw ex.getCause();
                }
                if (e == null) {
                    return new Outcome(records, End.COMPLETE, null);
                }
                records++;
                if (records > skip && !sink.test(e)) {
                    return new Outcome(records, End.STOPPED, null);
                }
            }
        }
    }

    /** A stream as it comes, or its gzip decompression. */
    private static InputStream decode(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == GZIP_MAGIC_1 && b2 == GZIP_MAGIC_2) {
            try {
                return new GZIPInputStream(in, 1 << 16);
            } catch (EOFException e) {
                // a gzip header cut short: nothing decodable yet
                return InputStream.nullInputStream();
            }
        }
        return in;
    }

    /**
     * A problem at {@code at}: the data ended inside a record when the parser said so, or when it hit a syntax error
     * within a few bytes of the end of what has arrived (a literal cut short, e.g. {@code tr} of {@code true}).
     */
    private static Outcome failed(String name, long records, JsonLocation at, String message, Counting decoded, boolean eof) {
        boolean atEnd = eof || message.startsWith("unexpected end of input")
                || (decoded.ended && at != null && at.getByteOffset() >= 0 && decoded.count - at.getByteOffset() <= NEAR_END);
        return new Outcome(records, atEnd ? End.PARTIAL : End.MALFORMED, problem(name, at, message));
    }

    private static Diagnostic problem(String name, JsonLocation at, String message) {
        int line = at == null ? 1 : Math.max(1, (int) at.getLineNr());
        int col = at == null ? 1 : Math.max(1, (int) at.getColumnNr());
        return Diagnostic.of(EventSource.CODE, SourceSpan.at(name, line, col), message, EventSource.HINT);
    }

    private static String firstLine(String msg) {
        if (msg == null) {
            return "";
        }
        int nl = msg.indexOf('\n');
        return (nl < 0 ? msg : msg.substring(0, nl)).strip();
    }

    /** Counts the bytes handed to the parser and notes when the stream ended. */
    private static final class Counting extends FilterInputStream {
        long count;
        boolean ended;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b < 0) {
                ended = true;
            } else {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0) {
                ended = true;
            } else {
                count += n;
            }
            return n;
        }
    }
}
