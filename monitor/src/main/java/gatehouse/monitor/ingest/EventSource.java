package gatehouse.monitor.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.core.Diagnostic;
import gatehouse.core.SourceSpan;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The records of one or more inputs, in order, one at a time. An input is a file, a directory (walked recursively,
 * files in chronological order of their CloudTrail names, e.g. the S3 layout
 * {@code AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json.gz}),
 * or {@code -} for standard input. Each file may be a CloudTrail log file ({@code {"Records": […]}}), a JSON array of
 * records, JSON lines, or EventBridge envelopes (the CloudTrail record in {@code detail} is returned), gzipped or not.
 *
 * <p>Memory: one record at a time per input, plus the list of file names of a directory being walked; never a whole
 * file. Malformed input never stops the source: the first problem of a bad file is reported to the error consumer as
 * one diagnostic ({@code file:line:col: error: …} with a hint), the rest of that file is skipped (a syntax error
 * leaves no safe place to resume), the records read before it stay delivered, and reading goes on with the next file.
 * Not thread-safe; close it to release the open file.
 */
public final class EventSource implements Iterator<Event>, Closeable {
    /** Code of ingestion diagnostics. */
    public static final String CODE = "input_json_error";
    static final String HINT = "Gatehouse reads CloudTrail log files ({\"Records\": [...]}), JSON arrays of records, JSON lines "
            + "and EventBridge envelopes, optionally gzipped; the rest of the input was still read";
    private static final Pattern CLOUDTRAIL_TIME = Pattern.compile("_(\\d{8}T\\d{4,6}Z)_");

    private final Deque<Input> pending = new ArrayDeque<>();
    private final Consumer<Diagnostic> errors;
    private final ObjectMapper mapper = new ObjectMapper();
    private Projection projection;
    private RecordReader current;
    private Event lookahead;
    private long events;
    private int files;
    private int badFiles;

    private record Input(String name, Path path, InputStream stream) {}

    private EventSource(Consumer<Diagnostic> errors) {
        this.errors = Objects.requireNonNull(errors, "errors");
    }

    /**
     * A source over {@code inputs}: paths of files or directories, or {@code -} for {@code stdin}. Directories are
     * listed when reached, not now.
     */
    public static EventSource of(List<String> inputs, InputStream stdin, Consumer<Diagnostic> errors) {
        EventSource s = new EventSource(errors);
        for (String in : inputs) {
            s.pending.add(in.equals("-") ? new Input("<stdin>", null, stdin) : new Input(in, Path.of(in), null));
        }
        return s;
    }

    /**
     * A source over {@code inputs} whose records keep only what {@code projection} names (see {@link Projection}):
     * records are read straight from the input bytes where they can be, building those nodes only. For consumers that
     * read known paths only (the metric filters of {@code gatehouse monitor run}, see
     * {@code MetricFilter.jsonPaths()}). {@code projection} null keeps everything.
     */
    public static EventSource of(List<String> inputs, InputStream stdin, Consumer<Diagnostic> errors, Projection projection) {
        EventSource s = of(inputs, stdin, errors);
        s.projection = projection;
        return s;
    }

    /** A source over one stream, named {@code name} in origins and diagnostics. */
    public static EventSource of(String name, InputStream stream, Consumer<Diagnostic> errors) {
        EventSource s = new EventSource(errors);
        s.pending.add(new Input(name, null, Objects.requireNonNull(stream, "stream")));
        return s;
    }

    @Override
    public boolean hasNext() {
        if (lookahead == null) {
            lookahead = advance();
        }
        return lookahead != null;
    }

    @Override
    public Event next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Event e = lookahead;
        lookahead = null;
        events++;
        return e;
    }

    /** Records delivered so far. */
    public long eventCount() {
        return events;
    }

    /** Files (and streams) opened so far. */
    public int fileCount() {
        return files;
    }

    /** Files (and streams) that had a problem, each reported once. */
    public int badFileCount() {
        return badFiles;
    }

    private Event advance() {
        while (true) {
            if (current == null && !openNext()) {
                return null;
            }
            try {
                Event e = current.next();
                if (e != null) {
                    return e;
                }
                closeCurrent();
            } catch (RecordReader.BadInput e) {
                report(current.name(), e.location, e.getMessage());
            } catch (JsonProcessingException e) {
                String msg = e.getOriginalMessage();
                int nl = msg.indexOf('\n');
                report(current.name(), e.getLocation() != null ? e.getLocation() : current.location(),
                        "invalid JSON: " + (nl < 0 ? msg : msg.substring(0, nl)).strip());
            } catch (IOException | UncheckedIOException e) {
                // a truncated or corrupt gzip stream, or a read failure: the parser knows how far it got
                String what = e instanceof java.util.zip.ZipException || e instanceof java.io.EOFException
                        ? "gzip stream is truncated or corrupt" : "cannot read";
                report(current.name(), current.location(), what + ": " + e.getMessage());
            }
        }
    }

    private void report(String name, JsonLocation at, String message) {
        badFiles++;
        int line = at == null ? 1 : Math.max(1, (int) at.getLineNr());
        int col = at == null ? 1 : Math.max(1, (int) at.getColumnNr());
        errors.accept(Diagnostic.of(CODE, SourceSpan.at(name, line, col), message, HINT));
        closeCurrent();
    }

    /** Opens the next readable input, expanding directories; reports unreadable ones. */
    private boolean openNext() {
        while (!pending.isEmpty()) {
            Input in = pending.poll();
            try {
                if (in.stream() != null) {
                    files++;
                    current = new RecordReader(in.name(), in.stream(), mapper, projection);
                    return true;
                }
                if (Files.isDirectory(in.path())) {
                    List<Input> listed = new ArrayList<>();
                    for (Path p : list(in.path())) {
                        listed.add(new Input(p.toString(), p, null));
                    }
                    for (int i = listed.size() - 1; i >= 0; i--) {
                        pending.addFirst(listed.get(i));
                    }
                    continue;
                }
                files++;
                InputStream raw = Files.newInputStream(in.path());
                try {
                    current = new RecordReader(in.name(), raw, mapper, projection);
                } catch (java.util.zip.ZipException | java.io.EOFException e) {
                    raw.close();
                    badFiles++;
                    errors.accept(Diagnostic.of(CODE, SourceSpan.at(in.name(), 1, 1),
                            "gzip stream is truncated or corrupt: " + e.getMessage(), HINT));
                    continue;
                }
                return true;
            } catch (NoSuchFileException e) {
                badFiles++;
                errors.accept(Diagnostic.of("input_io_error", null, "cannot read " + in.name() + ": no such file or directory",
                        "check the path; use - for standard input"));
            } catch (IOException e) {
                badFiles++;
                errors.accept(Diagnostic.of("input_io_error", null, "cannot read " + in.name() + ": " + e.getMessage(),
                        "check the path and its permissions"));
            }
        }
        return false;
    }

    /**
     * The log files under {@code dir}: hidden files and CloudTrail digest folders are skipped; files whose names
     * carry a CloudTrail delivery time come in time order (then by path), after the files that carry none (by path).
     */
    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> !dir.relativize(p).toString().replace('\\', '/').contains("CloudTrail-Digest/"))
                    .sorted(Comparator.comparing((Path p) -> deliveryTime(p.getFileName().toString()))
                            .thenComparing(Path::toString))
                    .toList();
        }
    }

    /** The {@code YYYYMMDDTHHmmZ} of a CloudTrail file name, or "" when it has none (sorts first). */
    static String deliveryTime(String fileName) {
        Matcher m = CLOUDTRAIL_TIME.matcher(fileName);
        return m.find() ? m.group(1) : "";
    }

    private void closeCurrent() {
        if (current != null) {
            try {
                current.close();
            } catch (IOException ignored) {
                // closing a reader we are done with; nothing left to report
            }
            current = null;
        }
    }

    @Override
    public void close() {
        closeCurrent();
        pending.clear();
    }
}
