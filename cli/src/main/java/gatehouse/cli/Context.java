package gatehouse.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/** The streams and working directory of the current command-line run (set by {@link Cli#run}). */
public final class Context {
    private static InputStream in = System.in;
    private static PrintStream out = System.out;
    private static PrintStream err = System.err;
    private static Path baseDir = Path.of("");

    private Context() {}

    static void set(InputStream i, PrintStream o, PrintStream e, Path base) {
        in = i;
        out = o;
        err = e;
        baseDir = base;
    }

    public static InputStream in() {
        return in;
    }

    public static PrintStream out() {
        return out;
    }

    public static PrintStream err() {
        return err;
    }

    public static Path baseDir() {
        return baseDir;
    }

    /** A path as given, relative paths taken from the working directory. */
    public static Path resolve(String p) {
        Path path = Path.of(p);
        return path.isAbsolute() ? path : baseDir.resolve(path);
    }

    /** Whether stderr is a terminal a progress line may be drawn on. */
    public static boolean interactive() {
        java.io.Console c = System.console();
        if (err != System.err || c == null) {
            return false;
        }
        try { // JDK 22+: a console object exists even when redirected; ask whether it is a terminal
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: System.console() is null unless both streams are a terminal
        }
    }

    public static boolean debug() {
        return Boolean.getBoolean("gatehouse.debug");
    }
}
