package gatehouse.cli;

import java.io.InputStream;
import java.io.PrintStream;

/** The {@code gatehouse} command. {@code main} only delegates to the testable {@link #run}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /**
     * Runs one command line and returns its exit code; never calls {@link System#exit}.
     *
     * @param in  standard input (data on stdin for {@code guard validate}, payloads)
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return Cli.run(args, in, out, err);
    }
}
