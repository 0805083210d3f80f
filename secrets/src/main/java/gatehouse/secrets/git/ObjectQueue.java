package gatehouse.secrets.git;

import gatehouse.secrets.git.CatFile.GitObject;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Objects asked for by one thread and read, in the same order, by another — as {@link CatFile} answers them, but
 * read straight from the object directories by an {@link ObjectReader} wherever it can, and through one
 * {@code git cat-file --batch} (started the first time it is needed) for any object the reader cannot find or
 * decode, so every answer is git's own. Without a reader (a repository it does not read), every object goes
 * through git.
 */
public final class ObjectQueue implements AutoCloseable {
    /**
     * Delta bases kept for the next versions of the same files (git's own default is 96 MiB; measured here: 16 to
     * 64 MiB all read the benchmark history equally fast).
     */
    static final long CACHE_BYTES = 32L << 20;
    private static final String END = "";

    private final Git git;
    private final ObjectReader reader;
    private final BlockingQueue<String> requests = new ArrayBlockingQueue<>(8192);
    private CatFile cat;
    private long fromGit;
    private volatile boolean closed;

    public ObjectQueue(Git git) {
        this(git, ObjectReader.open(git, CACHE_BYTES));
    }

    /** For a repository git has already described. */
    public ObjectQueue(Git git, Git.Info info) {
        this(git, ObjectReader.open(info, CACHE_BYTES));
    }

    ObjectQueue(Git git, ObjectReader reader) {
        this.git = git;
        this.reader = reader;
    }

    /** Whether objects are read from the object directories (false: all through git). */
    public boolean direct() {
        return reader != null;
    }

    /** How many objects git itself had to answer so far. */
    public long fromGit() {
        return fromGit;
    }

    /** Asks for one object; blocks while many requests are waiting to be read. */
    public void request(String oid) throws IOException {
        try {
            while (!requests.offer(oid, 100, TimeUnit.MILLISECONDS)) {
                if (closed) {
                    throw new IOException("object reader closed");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** No more requests: {@link #next} returns null once the last one has been answered. */
    public void finishRequests() throws IOException {
        request(END);
    }

    /**
     * The next answer in request order ({@link CatFile#next}: type "missing" for an object git does not have or
     * cannot read, content null over {@code maxBytes}), or null after the last.
     */
    public GitObject next(long maxBytes) throws IOException {
        String oid;
        try {
            oid = requests.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (oid.equals(END)) {
            return null;
        }
        if (reader != null) {
            try {
                GitObject o = reader.read(oid, maxBytes);
                if (o != null) {
                    return o;
                }
            } catch (IOException | RuntimeException e) {
                // not readable here (corrupt copy, unknown encoding): git decides what it holds
            }
        }
        fromGit++;
        if (cat == null) {
            cat = new CatFile(git);
        }
        try {
            cat.request(oid);
            cat.flush();
            GitObject o = cat.next(maxBytes);
            if (o != null) {
                return o;
            }
        } catch (IOException e) {
            // git could not read it either (it dies on a corrupt object): the object is reported, the scan goes on
        }
        cat.close();
        cat = null;
        return new GitObject(oid, "missing", 0, null);
    }

    @Override
    public void close() {
        closed = true;
        requests.clear();
        if (reader != null) {
            reader.close();
        }
        if (cat != null) {
            cat.close();
        }
    }
}
