package gatehouse.monitor.ingest;

import gatehouse.core.Diagnostic;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Follows directories (or single files) for CloudTrail log files, by polling: every {@code poll} it walks the roots
 * and submits, in CloudTrail delivery order (the time in the file name, then the path), each file that is new or has
 * changed since it was read and has <em>settled</em>: its modification time is at least {@code settle} in the past.
 * A file written under a temporary name and renamed into place (as CloudTrail's S3 delivery and {@code aws s3 sync}
 * do) settles as soon as it appears if it was written earlier; one written in place settles once the writer has been
 * quiet for {@code settle}. Skipped: hidden files and folders (a leading dot), names ending in {@code .tmp},
 * {@code .part}, {@code .partial}, {@code .crdownload}, {@code .filepart}, {@code ._COPYING_} or {@code ~}, and
 * CloudTrail digest folders.
 *
 * <p>Every file is read once: how far each was read is committed by the run with its state ({@link FileMark}), so a
 * restart neither reads a file again nor misses one. A file whose data ended inside a record (still being written
 * after all, or a truncated gzip) keeps the records read and is read on from there once it changes; so is a file
 * that grows later (appended JSON lines). Polling is used rather than a file-system watch service, which misses
 * events on network and container file systems; a walk costs a directory listing per folder and one
 * {@code stat} per file.
 */
public final class DirectoryFollower implements Feed {
    private static final List<String> TEMPORARY = List.of(".tmp", ".part", ".partial", ".crdownload", ".filepart", "._copying_", "~");

    private final List<Path> roots;
    private final Duration poll;
    private final Duration settle;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Map<String, FileMark> marks = new HashMap<>();
    private final Set<String> warnedMissing = new HashSet<>();
    private Thread thread;
    private volatile long scans;
    private volatile long filesRead;

    /**
     * @param roots directories (or files) to follow
     * @param poll how often to look
     * @param settle how long a file's modification time must lie in the past before it is read
     */
    public DirectoryFollower(List<Path> roots, Duration poll, Duration settle) {
        this.roots = roots.stream().map(p -> p.toAbsolutePath().normalize()).toList();
        this.poll = Objects.requireNonNull(poll, "poll");
        this.settle = Objects.requireNonNull(settle, "settle");
        if (poll.isNegative() || poll.isZero()) {
            throw new IllegalArgumentException("the poll interval must be positive");
        }
        if (settle.isNegative()) {
            throw new IllegalArgumentException("the settle time must not be negative");
        }
    }

    @Override
    public void start(Sink sink) {
        marks.putAll(sink.files());
        thread = Thread.ofPlatform().daemon().name("gatehouse-monitor-follow").start(() -> loop(sink));
    }

    /** Scans done so far (each walks every root once). */
    public long scans() {
        return scans;
    }

    /** Files (or file changes) read so far. */
    public long filesRead() {
        return filesRead;
    }

    private void loop(Sink sink) {
        try {
            while (closed.getCount() > 0) {
                List<Batch> ready = scan(sink);
                List<CompletableFuture<Batch.Result>> submitted = new ArrayList<>();
                for (Batch b : ready) {
                    submitted.add(sink.submit(b));
                }
                for (CompletableFuture<Batch.Result> f : submitted) {
                    Batch.Result r;
                    try {
                        r = f.get();
                    } catch (ExecutionException e) {
                        return; // the run is stopping
                    }
                    if (r.mark() != null) {
                        marks.put(r.mark().path(), r.mark());
                        filesRead++;
                    }
                }
                scans++;
                if (closed.await(poll.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The files to read now, in delivery order. */
    List<Batch> scan(Sink sink) {
        long settledBefore = System.currentTimeMillis() - settle.toMillis();
        List<FileMark> ready = new ArrayList<>();
        for (Path root : roots) {
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        String n = dir.getFileName() == null ? "" : dir.getFileName().toString();
                        return !dir.equals(root) && (n.startsWith(".") || n.equals("CloudTrail-Digest"))
                                ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        if (!attrs.isRegularFile() || (!file.equals(root) && skipped(file.getFileName().toString()))) {
                            return FileVisitResult.CONTINUE;
                        }
                        long mtime = attrs.lastModifiedTime().toMillis();
                        String path = file.toString();
                        FileMark m = marks.get(path);
                        boolean resume = m != null && m.status() == FileMark.Status.READING && m.unchanged(attrs.size(), mtime);
                        if (!resume && (mtime > settledBefore || (m != null && m.unchanged(attrs.size(), mtime)))) {
                            return FileVisitResult.CONTINUE;
                        }
                        ready.add(new FileMark(path, attrs.size(), mtime, m == null ? 0 : m.records(), FileMark.Status.READING));
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        // a file renamed or removed between the listing and its stat: the next scan sees the new name
                        return FileVisitResult.CONTINUE;
                    }
                });
                warnedMissing.remove(root.toString());
            } catch (NoSuchFileException e) {
                if (warnedMissing.add(root.toString())) {
                    sink.warn(root.toString(), "does not exist (yet); it is looked for again every " + display(poll));
                }
            } catch (IOException e) {
                sink.error(Diagnostic.of("input_io_error", null, "cannot list " + root + ": " + e.getMessage(),
                        "check the path and its permissions"));
            }
        }
        ready.sort(Comparator.comparing((FileMark f) -> EventSource.deliveryTime(Path.of(f.path()).getFileName().toString()))
                .thenComparing(FileMark::path));
        List<Batch> out = new ArrayList<>(ready.size());
        for (FileMark f : ready) {
            Path p = Path.of(f.path());
            out.add(new Batch(f.path(), () -> Files.newInputStream(p), f.records(), f));
        }
        return out;
    }

    static boolean skipped(String name) {
        if (name.startsWith(".")) {
            return true;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (String t : TEMPORARY) {
            if (lower.endsWith(t)) {
                return true;
            }
        }
        return false;
    }

    private static String display(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    @Override
    public void close() {
        closed.countDown();
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
