package gatehouse.monitor.ingest;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.LinkOption;
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
 * events on network and container file systems. A scan costs one {@code stat} per folder, a listing of the folders
 * that changed, and a {@code stat} of the files still worth a look; every {@link #FULL_WALK_EVERY} scans, everything
 * is listed again. Not thread-safe: one thread scans.
 */
public final class DirectoryFollower implements Feed {
    /** Every this many scans, every directory is listed again, changed or not. */
    static final int FULL_WALK_EVERY = 60;
    /** Files modified this recently are checked at every scan even in an unchanged directory. */
    private static final long RECENT_MS = 10 * 60_000;
    /** Modification times may be this coarse (FAT: 2 s): a directory listed sooner after its time is listed again. */
    private static final long COARSE_TIME_MS = 2_000;
    private static final List<String> TEMPORARY = List.of(".tmp", ".part", ".partial", ".crdownload", ".filepart", "._copying_", "~");

    private final List<Path> roots;
    private final Duration poll;
    private final Duration settle;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Map<String, FileMark> marks = new HashMap<>();
    private final Set<String> problems = new HashSet<>();
    private final Map<Path, Listing> listings = new HashMap<>();
    private long scanNumber;
    private Thread thread;
    private Sink sink;
    private volatile long scans;
    /** True from the start until the first scan's files are read, then during each scan and its reads. */
    private volatile boolean busy = true;
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
        this.sink = sink;
        marks.putAll(sink.files());
        thread = Thread.ofPlatform().daemon().name("gatehouse-monitor-follow").start(() -> loop(sink));
    }

    @Override
    public boolean busy() {
        return busy;
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
                busy = true;
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
                        recorded(r.mark());
                    }
                }
                scans++;
                busy = false;
                if (closed.await(poll.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            sink.error(gatehouse.core.Diagnostic.of("internal_error", null, "following " + roots + " stopped: " + e,
                    "rerun with --debug, and report it"));
        } finally {
            busy = false;
        }
    }

    /** Notes how far the run read a file (as it committed it). */
    void recorded(FileMark mark) {
        marks.put(mark.path(), mark);
        filesRead++;
    }

    /**
     * What a directory held when it was last listed: its modification time then, its subdirectories, and the files
     * still worth a look (not yet read, not read to their end, or modified recently enough that they may grow).
     */
    private record Listing(long mtimeMs, long listedAtMs, List<Path> subdirs, List<Path> watched) {}

    /** The files to read now, in delivery order. */
    List<Batch> scan(Sink sink) {
        long now = System.currentTimeMillis();
        long settledBefore = now - settle.toMillis();
        boolean full = scanNumber++ % FULL_WALK_EVERY == 0;
        List<FileMark> ready = new ArrayList<>();
        for (Path root : roots) {
            try {
                BasicFileAttributes a = Files.readAttributes(root, BasicFileAttributes.class); // follows a link at the root
                if (a.isDirectory()) {
                    walk(root, full, now, settledBefore, ready);
                } else if (a.isRegularFile()) {
                    consider(root, a, settledBefore, ready);
                }
                problems.remove(root.toString());
            } catch (NoSuchFileException e) {
                if (problems.add(root.toString())) {
                    sink.warn(root.toString(), "does not exist (yet); it is looked for again every " + display(poll));
                }
            } catch (IOException e) {
                if (problems.add(root.toString())) {
                    sink.warn(root.toString(), "cannot be listed (" + e.getMessage() + "); it is tried again every " + display(poll));
                }
            }
        }
        // overlapping roots (a folder and a subfolder of it) find a file twice: read it once
        Set<String> once = new HashSet<>();
        ready.removeIf(f -> !once.add(f.path()));
        ready.sort(Comparator.comparing((FileMark f) -> EventSource.deliveryTime(Path.of(f.path()).getFileName().toString()))
                .thenComparing(FileMark::path));
        List<Batch> out = new ArrayList<>(ready.size());
        for (FileMark f : ready) {
            Path p = Path.of(f.path());
            out.add(new Batch(f.path(), () -> Files.newInputStream(p), f.records(), f));
        }
        return out;
    }

    /**
     * Looks through {@code dir}. A directory whose modification time has not changed since it was listed (and was
     * listed well after that time, for file systems with coarse times) gained, lost and renamed no entry: its
     * listing is reused, and only the files in it still worth a look are checked. Every {@link #FULL_WALK_EVERY}
     * scans, everything is listed again (a file that grows long after it was read is noticed then).
     */
    private void walk(Path dir, boolean full, long now, long settledBefore, List<FileMark> ready) throws IOException {
        BasicFileAttributes da = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        long mtime = da.lastModifiedTime().toMillis();
        Listing l = listings.get(dir);
        if (!full && l != null && l.mtimeMs() == mtime && l.listedAtMs() - mtime > COARSE_TIME_MS) {
            List<Path> still = new ArrayList<>(l.watched().size());
            for (Path f : l.watched()) {
                try {
                    BasicFileAttributes fa = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    consider(f, fa, settledBefore, ready);
                    if (worthWatching(f, fa, now)) {
                        still.add(f);
                    }
                } catch (NoSuchFileException e) {
                    // removed since (the directory's time will show it): nothing to read
                }
            }
            listings.put(dir, new Listing(l.mtimeMs(), l.listedAtMs(), l.subdirs(), still));
            for (Path sub : l.subdirs()) {
                walkSub(sub, full, now, settledBefore, ready);
            }
            return;
        }
        List<Path> subdirs = new ArrayList<>();
        List<Path> watched = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String n = p.getFileName().toString();
                BasicFileAttributes fa;
                try {
                    fa = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    continue; // renamed or removed between the listing and its stat: the next scan sees the new name
                }
                if (fa.isDirectory()) {
                    if (!n.startsWith(".") && !n.equals("CloudTrail-Digest")) {
                        subdirs.add(p);
                    }
                } else if (fa.isRegularFile() && !skipped(n)) {
                    consider(p, fa, settledBefore, ready);
                    if (worthWatching(p, fa, now)) {
                        watched.add(p);
                    }
                }
            }
        }
        listings.put(dir, new Listing(mtime, now, List.copyOf(subdirs), watched));
        for (Path sub : subdirs) {
            walkSub(sub, full, now, settledBefore, ready);
        }
    }

    private void walkSub(Path sub, boolean full, long now, long settledBefore, List<FileMark> ready) throws IOException {
        try {
            walk(sub, full, now, settledBefore, ready);
        } catch (NoSuchFileException e) {
            listings.remove(sub); // removed since its parent was listed
        }
    }

    /** Adds {@code file} to {@code ready} when it is new or changed since it was read, and has settled. */
    private void consider(Path file, BasicFileAttributes attrs, long settledBefore, List<FileMark> ready) {
        long mtime = attrs.lastModifiedTime().toMillis();
        String path = file.toString();
        FileMark m = marks.get(path);
        boolean resume = m != null && m.status() == FileMark.Status.READING && m.unchanged(attrs.size(), mtime);
        if (!resume && (mtime > settledBefore || (m != null && m.unchanged(attrs.size(), mtime)))) {
            return;
        }
        long skip = m == null ? 0 : m.records();
        if (m != null && attrs.size() < m.size()) {
            // replaced or truncated (a rotated log): its records are not the ones counted, so read it from the start
            skip = 0;
            if (sink != null) {
                sink.warn(path, "is smaller than when it was read (" + attrs.size() + " < " + m.size() + " bytes): replaced or"
                        + " truncated, so it is read again from its start (repeated event ids still count once)");
            }
        }
        ready.add(new FileMark(path, attrs.size(), mtime, skip, FileMark.Status.READING));
    }

    /** A file not read to its end yet, or modified recently enough that it may still grow. */
    private boolean worthWatching(Path file, BasicFileAttributes attrs, long now) {
        FileMark m = marks.get(file.toString());
        return m == null || m.status() != FileMark.Status.DONE || attrs.lastModifiedTime().toMillis() > now - RECENT_MS;
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
