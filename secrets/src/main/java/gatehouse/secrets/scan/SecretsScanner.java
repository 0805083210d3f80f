package gatehouse.secrets.scan;

import gatehouse.secrets.detect.Detector;
import gatehouse.secrets.detect.Fragment;
import gatehouse.secrets.detect.SecretMatch;
import gatehouse.secrets.git.CatFile;
import gatehouse.secrets.git.Git;
import gatehouse.secrets.git.ObjectQueue;
import gatehouse.secrets.git.ObjectReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Finds secrets in a directory tree, a git repository's whole history (or a range of it), the staged changes
 * of a commit being made, a commit message, or any text.
 *
 * <p>History is read the way the fastest tools would like git to be read: one {@code git log --raw} lists,
 * for every commit on every ref, its message and the blobs it introduced (no diffs are computed); each distinct
 * blob is read once, straight from the pack files ({@link ObjectReader}; through {@code git cat-file --batch}
 * for whatever that cannot read), and scanned once, in parallel — a modified file's added lines only; each
 * distinct commit message is scanned once. A finding is attributed to the oldest commit and path that introduced
 * its secret, and the same secret in the same context is reported once however many later versions of the file
 * still hold it (so a file deleted later is covered by the commit that added it). Memory is bounded by the set of blob ids seen,
 * fixed queues of blobs in flight and caches of fixed size (delta bases, recent versions' line hashes).
 */
public final class SecretsScanner {
    /** Where a finding came from. {@code kind}: file, history, message, staged, text. */
    public record Origin(String kind, String commit, String author, String email, String date) {
        static final Origin FILE = new Origin("file", "", "", "", "");
    }

    public record Hit(SecretMatch match, Origin origin) {}

    /**
     * @param scanned files (tree, staged) or blobs and messages (history) read
     * @param notes   what was skipped and why (binary, too large), one line each
     * @param errors  input problems ({@code path: error: ...}); the scan went on
     */
    public record Result(List<Hit> hits, List<String> scanned, List<String> notes, List<String> errors, int commits,
                         long blobs, long bytes) {
        /** What {@code scanned} lists: commits for history, else files. */
        public String unit() {
            return commits > 0 || (scanned.isEmpty() && blobs > 0) ? "commit" : "file";
        }
    }

    /**
     * @param maxBytes files and blobs larger than this are skipped (noted)
     * @param threads  detection threads
     * @param progress receives a short status now and then (for a terminal), or null
     */
    public record Options(long maxBytes, int threads, Consumer<String> progress) {
        public static Options defaults() {
            return new Options(16L << 20, Math.max(1, Runtime.getRuntime().availableProcessors()), null);
        }
    }

    private final Detector detector;
    private final Options options;

    public SecretsScanner(Detector detector, Options options) {
        this.detector = detector;
        this.options = options;
    }

    // ------------------------------------------------------------------ text

    /** Any text (stdin, a message file), named {@code name} in findings. */
    public Result scanText(String text, String name, String kind) {
        List<Hit> hits = new ArrayList<>();
        Origin o = new Origin(kind, "", "", "", "");
        for (SecretMatch m : detector.detect(Fragment.of(text, name))) {
            hits.add(new Hit(m, o));
        }
        return new Result(hits, List.of(name), List.of(), List.of(), 0, 0, text.length());
    }

    /**
     * A commit message file (the commit-msg hook's argument): git's comment lines are blanked (line numbers
     * stay) and everything below a scissors line is ignored, as git itself does.
     */
    public Result scanMessageFile(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        StringBuilder kept = new StringBuilder(text.length());
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("# ------------------------ >8 ------------------------")) {
                break;
            }
            kept.append(line.startsWith("#") ? "" : line).append('\n');
        }
        return scanText(kept.toString(), file.getFileName().toString(), "message");
    }

    // ------------------------------------------------------------------ tree

    /**
     * Every file under {@code root}. Inside a git work tree, ignored files are skipped (git's own
     * {@code .gitignore} logic) unless {@code all}; {@code .git} itself is never read.
     */
    public Result scanTree(Path root, boolean all) throws IOException {
        return scanTree(root, all, rel -> true);
    }

    /** As {@link #scanTree(Path, boolean)}, reading only the files (paths relative to {@code root}) {@code keep} accepts. */
    public Result scanTree(Path root, boolean all, java.util.function.Predicate<String> keep) throws IOException {
        List<String> files = new ArrayList<>();
        Git git = new Git(Files.isDirectory(root) ? root : root.toAbsolutePath().getParent());
        if (Files.isRegularFile(root)) {
            files.add(root.getFileName().toString());
            root = root.toAbsolutePath().getParent();
        } else if (!all && git.isRepository()) {
            byte[] out = git.run("ls-files", "-z", "--cached", "--others", "--exclude-standard", "--deduplicate");
            for (String s : new String(out, StandardCharsets.UTF_8).split("\0")) {
                if (!s.isEmpty() && Files.isRegularFile(root.resolve(s), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    files.add(s);
                }
            }
        } else {
            Path base = root;
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return dir.getFileName() != null && dir.getFileName().toString().equals(".git") && !dir.equals(base)
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        files.add(base.relativize(file).toString().replace('\\', '/'));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    files.add(base.relativize(file).toString().replace('\\', '/'));
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        files.removeIf(keep.negate());
        Collections.sort(files);
        List<Hit> hits = Collections.synchronizedList(new ArrayList<>());
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        AtomicLong bytes = new AtomicLong();
        Path base = root;
        try (Pool pool = new Pool(options.threads())) {
            int done = 0;
            for (String rel : files) {
                pool.submit(() -> {
                    Path p = base.resolve(rel);
                    try {
                        long size = Files.size(p);
                        if (size > options.maxBytes()) {
                            notes.add(rel + ": skipped, " + size + " bytes (over --max-size)");
                            return;
                        }
                        byte[] b = Files.readAllBytes(p);
                        bytes.addAndGet(b.length);
                        if (binary(b)) {
                            return;
                        }
                        for (SecretMatch m : detector.detect(Fragment.of(decode(b), rel))) {
                            hits.add(new Hit(m, Origin.FILE));
                        }
                    } catch (IOException | RuntimeException e) {
                        errors.add(rel + ":0:0: error: cannot read: " + message(e));
                    }
                });
                if (++done % 2000 == 0) {
                    progress(done + "/" + files.size() + " files");
                }
            }
        }
        List<Hit> sorted = new ArrayList<>(hits);
        sorted.sort(Comparator.comparing((Hit h) -> h.match().path()).thenComparingInt(h -> h.match().line())
                .thenComparingInt(h -> h.match().column()).thenComparing(h -> h.match().rule().id()));
        List<String> errs = new ArrayList<>(errors);
        Collections.sort(errs);
        return new Result(sorted, files, sortedCopy(notes), errs, 0, files.size(), bytes.get());
    }

    // ------------------------------------------------------------------ history

    /** What introduced a blob: the commit, its path and the blob it replaced. */
    private record Intro(CommitInfo commit, String path, String oldOid) {}

    private record CommitInfo(String id, String author, String email, String date) {}

    /**
     * Every commit reachable from every ref ({@code revs} empty) or the commits the revisions select
     * ({@code A..B}, {@code X --not --remotes}): content they added and their messages. In a selection, a secret
     * that the file already held before the commit is not reported (it was not introduced there).
     */
    public Result scanHistory(Path repo, List<String> revs0) throws IOException {
        String range = revs0.isEmpty() ? null : String.join(" ", revs0);
        Git git = new Git(repo);
        Git.Info info = git.info();
        if (info == null) {
            throw new IOException(repo + " is not a git repository");
        }
        List<String> errors = Collections.synchronizedList(new ArrayList<>());
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        if (!revs0.isEmpty() && !git.hasCommits()) {
            return noCommits();
        }
        if (info.shallow()) {
            notes.add("shallow clone: history before the shallow boundary is not available to scan");
        }
        List<String> revs = revs0.isEmpty() ? List.of("--all") : revs0;
        List<String> commits = Collections.synchronizedList(new ArrayList<>());
        Map<String, Intro> pending = new ConcurrentHashMap<>();
        Set<String> seenBlobs = new HashSet<>();
        List<Hit> hits = Collections.synchronizedList(new ArrayList<>());
        AtomicLong bytes = new AtomicLong();
        AtomicLong blobs = new AtomicLong();
        Map<String, Integer> commitIndex = new HashMap<>();
        LineDiff.Versions versions = new LineDiff.Versions(LineDiff.CACHE_LINES);

        // One git log lists, oldest first, each commit (id, author, date, message) and the blobs it introduced
        // (--raw: no diffs computed). A thread of its own reads it: messages go to the scanning pool as they come, each
        // distinct text once (attributed to its oldest commit); blobs not seen before are asked for, and this
        // thread (main) reads them, from the object directories or else through git, and hands them to the pool.
        List<String> logArgs = new ArrayList<>(List.of("log", "--reverse", "--format=%x00%H%x00%an%x00%ae%x00%aI%x00%B",
                "--raw", "--no-renames", "--no-abbrev", "-z", "--diff-merges=first-parent", "--no-ext-diff",
                "--no-textconv"));
        logArgs.addAll(revs);
        logArgs.add("--");
        Process log = git.start(logArgs);
        log.getOutputStream().close();

        try (ObjectQueue cat = new ObjectQueue(git, info); Pool pool = new Pool(options.threads())) {
            Thread feeder = Thread.ofPlatform().name("gatehouse-git-log").start(() -> {
                Set<String> seenMessages = new HashSet<>();
                try (InputStream in = log.getInputStream()) {
                    NulTokens t = new NulTokens(in);
                    String tok;
                    CommitInfo c = null; // the commit whose blobs follow
                    while ((tok = t.next()) != null) {
                        if (tok.isEmpty()) {
                            String id = t.next();
                            String an = t.next();
                            String ae = t.next();
                            String ad = t.next();
                            String body = t.next();
                            if (body == null) {
                                break;
                            }
                            commitIndex.put(id, commits.size());
                            commits.add(id);
                            c = new CommitInfo(id, an, ae, ad);
                            if (seenMessages.add(sha1ish(body))) {
                                Fragment f = new Fragment(body, "commit message", id, 1);
                                CommitInfo mc = c;
                                pool.submit(() -> {
                                    for (SecretMatch m : detector.detect(f)) {
                                        hits.add(new Hit(m, new Origin("message", mc.id(), mc.author(), mc.email(), mc.date())));
                                    }
                                });
                            }
                            continue;
                        }
                        String meta = tok.strip();
                        if (!meta.startsWith(":")) {
                            continue;
                        }
                        String path = t.next();
                        String[] f = meta.substring(1).split(" ");
                        if (f.length < 5 || c == null || path == null) {
                            continue;
                        }
                        String newMode = f[1];
                        String oldOid = f[2];
                        String newOid = f[3];
                        char status = f[4].charAt(0);
                        if (status == 'D' || zeros(newOid) || newMode.startsWith("16") || newMode.equals("120000")) {
                            continue; // deleted, submodule or symlink
                        }
                        if (seenBlobs.add(newOid)) {
                            pending.put(newOid, new Intro(c, path, zeros(oldOid) ? "" : oldOid));
                            cat.request(newOid);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    errors.add("git log: error: " + e.getMessage());
                } finally {
                    try {
                        cat.finishRequests(); // whatever happened here, the reading loop ends
                    } catch (IOException ignored) {
                        // the queue was closed: the scan is ending anyway
                    }
                }
            });
            CatFile.GitObject obj;
            long n = 0;
            while ((obj = cat.next(options.maxBytes())) != null) {
                Intro intro = pending.remove(obj.oid());
                if (intro == null) {
                    continue;
                }
                CommitInfo c = intro.commit();
                if (obj.type().equals("missing")) {
                    errors.add(intro.path() + ":0:0: error: object " + obj.oid() + " of commit " + c.id().substring(0, 12)
                            + " is missing or corrupt (run git fsck)");
                    continue;
                }
                if (obj.content() == null) {
                    notes.add(intro.path() + " @ " + c.id().substring(0, 12) + ": skipped, " + obj.size()
                            + " bytes (over --max-size)");
                    continue;
                }
                byte[] content = obj.content();
                bytes.addAndGet(content.length);
                blobs.incrementAndGet();
                if (binary(content)) {
                    continue;
                }
                String range0 = range;
                String oid = obj.oid();
                CompletableFuture<long[]> old = intro.oldOid().isEmpty() ? null : versions.get(intro.oldOid());
                CompletableFuture<long[]> mine = versions.promise(oid);
                pool.submit(() -> {
                    // hashing the lines is done here, in parallel; the next version of the file waits for them
                    LineDiff.Lines lines = null;
                    try {
                        lines = LineDiff.lines(content);
                    } finally {
                        versions.complete(oid, mine, lines == null ? null : lines.hashes());
                    }
                    long[] oldHashes = old == null ? null : old.join();
                    // a modified file: only the lines this version added (with a little context) can introduce a
                    // secret; the others were scanned in the version that added them. Without the old version: all.
                    List<Fragment> parts = oldHashes == null
                            ? List.of(new Fragment(LineDiff.decode(content, 0, content.length, lines.ascii()), intro.path(), c.id(), 1))
                            : LineDiff.addedWindows(content, lines, oldHashes, intro.path(), c.id());
                    List<SecretMatch> found = new ArrayList<>();
                    for (Fragment part : parts) {
                        found.addAll(detector.detect(part));
                    }
                    if (found.isEmpty()) {
                        return;
                    }
                    if (range0 != null && !intro.oldOid().isEmpty()) {
                        found = notInOld(git, intro.oldOid(), found);
                    }
                    for (SecretMatch m : found) {
                        hits.add(new Hit(m, new Origin("history", c.id(), c.author(), c.email(), c.date())));
                    }
                });
                if (++n % 5000 == 0) {
                    progress(n + " blobs, " + (bytes.get() >> 20) + " MB");
                }
            }
            feeder.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        waitOk(log, "git log", errors);
        if (commits.isEmpty() && revs0.isEmpty() && errors.isEmpty() && !git.hasCommits()) {
            return noCommits();
        }
        progress(commits.size() + " commits");
        return new Result(firstIntroductions(hits, commitIndex), List.copyOf(commits),
                sortedCopy(notes), sortedCopy(errors), commits.size(), blobs.get(), bytes.get());
    }

    private static Result noCommits() {
        return new Result(List.of(), List.of(), List.of("the repository has no commits yet"), List.of(), 0, 0, 0);
    }

    /** The secrets a file did not already hold in the version it replaced. */
    private List<SecretMatch> notInOld(Git git, String oldOid, List<SecretMatch> found) {
        try {
            String old = decode(git.run("cat-file", "blob", oldOid));
            return found.stream().filter(m -> m.secret().isEmpty() || !old.contains(m.secret())).toList();
        } catch (IOException e) {
            return found;
        }
    }

    /** One hit per fingerprint: the one from the oldest commit (then path, line). */
    private static List<Hit> firstIntroductions(List<Hit> hits, Map<String, Integer> commitIndex) {
        Comparator<Hit> order = Comparator.comparingInt((Hit h) -> commitIndex.getOrDefault(h.origin().commit(), 0))
                .thenComparing(h -> h.origin().kind())
                .thenComparing(h -> h.match().path()).thenComparingInt(h -> h.match().line())
                .thenComparingInt(h -> h.match().column()).thenComparing(h -> h.match().rule().id());
        List<Hit> sorted = new ArrayList<>(hits);
        sorted.sort(order);
        Map<String, Hit> first = new LinkedHashMap<>();
        for (Hit h : sorted) {
            first.putIfAbsent(h.match().fingerprint(), h);
        }
        return new ArrayList<>(first.values());
    }

    // ------------------------------------------------------------------ staged

    /**
     * What {@code git commit} is about to record: the staged version of every added, copied, modified or
     * renamed file; a secret the file already held at HEAD is not reported (it was not added by this commit).
     */
    public Result scanStaged(Path repo) throws IOException {
        Git git = new Git(repo);
        if (!git.isRepository()) {
            throw new IOException(repo + " is not a git repository");
        }
        String top = git.runText("rev-parse", "--show-toplevel").strip();
        Git root = new Git(Path.of(top));
        boolean head = root.hasCommits() && !root.runText("rev-parse", "--verify", "-q", "HEAD").isBlank();
        List<String> args = new ArrayList<>(List.of("diff", "--cached", "--raw", "-z", "--no-renames", "--no-abbrev",
                "--diff-filter=ACMRT", "--no-ext-diff"));
        if (!head) {
            args.add("--root");
            args.add(emptyTree(root));
        }
        String out = new String(root.run(args.toArray(String[]::new)), StandardCharsets.UTF_8);
        String[] tok = out.split("\0");
        List<Hit> hits = new ArrayList<>();
        List<String> files = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long bytes = 0;
        try (CatFile cat = new CatFile(root)) {
            List<String[]> entries = new ArrayList<>();
            for (int i = 0; i + 1 < tok.length; i += 2) {
                String meta = tok[i].strip();
                if (!meta.startsWith(":")) {
                    i--;
                    continue;
                }
                String[] f = meta.substring(1).split(" ");
                if (f.length < 5 || f[1].startsWith("16") || f[1].equals("120000")) {
                    continue;
                }
                entries.add(new String[] {f[3], f[2], tok[i + 1]});
                cat.request(f[3]);
            }
            cat.finishRequests();
            for (String[] e : entries) {
                CatFile.GitObject obj = cat.next(options.maxBytes());
                if (obj == null) {
                    break;
                }
                files.add(e[2]);
                if (obj.content() == null) {
                    notes.add(e[2] + ": skipped, " + obj.size() + " bytes (over --max-size)");
                    continue;
                }
                bytes += obj.content().length;
                if (binary(obj.content())) {
                    continue;
                }
                List<SecretMatch> found = detector.detect(Fragment.of(decode(obj.content()), e[2]));
                if (!found.isEmpty() && !zeros(e[1])) {
                    found = notInOld(root, e[1], found);
                }
                for (SecretMatch m : found) {
                    hits.add(new Hit(m, new Origin("staged", "", "", "", "")));
                }
            }
        }
        return new Result(hits, files, notes, List.of(), 0, files.size(), bytes);
    }

    private static String emptyTree(Git git) throws IOException {
        return git.runText("hash-object", "-t", "tree", "/dev/null").strip();
    }

    // ------------------------------------------------------------------ helpers

    private void progress(String s) {
        if (options.progress() != null) {
            options.progress().accept(s);
        }
    }

    private static void waitOk(Process p, String what, List<String> errors) {
        try {
            byte[] err = p.getErrorStream().readAllBytes();
            if (p.waitFor() != 0) {
                String msg = new String(err, StandardCharsets.UTF_8).strip();
                int nl = msg.indexOf('\n');
                errors.add(what + ": error: " + (nl < 0 ? msg : msg.substring(0, nl)));
            }
        } catch (IOException | InterruptedException e) {
            errors.add(what + ": error: " + e.getMessage());
        }
    }

    private static boolean zeros(String oid) {
        for (int i = 0; i < oid.length(); i++) {
            if (oid.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

    /** Binary as git decides: a NUL byte in the first 8000 bytes. */
    static boolean binary(byte[] b) {
        int n = Math.min(b.length, 8000);
        int i = 0;
        for (; i + 8 <= n; i += 8) { // eight bytes at a time: is any of them zero?
            if (LineDiff.zeroBytes(LineDiff.word(b, i)) != 0) {
                return true;
            }
        }
        for (; i < n; i++) {
            if (b[i] == 0) {
                return true;
            }
        }
        return false;
    }

    /** UTF-8, with invalid sequences replaced (so a stray Latin-1 byte cannot hide the rest of a file). */
    static String decode(byte[] b) {
        return LineDiff.decode(b, 0, b.length, false);
    }

    private static String sha1ish(String s) {
        return s.length() + ":" + s.hashCode() + ":" + (s.length() > 64 ? s.substring(0, 64) : s);
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static List<String> sortedCopy(List<String> l) {
        List<String> c = new ArrayList<>(l);
        Collections.sort(c);
        return c;
    }

    /** A fixed set of detection threads behind a bounded queue: the caller waits when the queue is full. */
    static final class Pool implements AutoCloseable {
        private final ExecutorService exec;
        private final Semaphore slots;
        private final List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());

        Pool(int threads) {
            this.exec = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(threads * 8),
                    Thread.ofPlatform().name("gatehouse-secrets-", 0).daemon(true).factory());
            this.slots = new Semaphore(threads * 8);
        }

        void submit(Runnable r) {
            slots.acquireUninterruptibly();
            exec.execute(() -> {
                try {
                    r.run();
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    slots.release();
                }
            });
        }

        @Override
        public void close() {
            exec.shutdown();
            try {
                exec.awaitTermination(1, TimeUnit.DAYS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!failures.isEmpty()) {
                Throwable t = failures.get(0);
                throw t instanceof RuntimeException re ? re : new IllegalStateException(t);
            }
        }
    }
}
