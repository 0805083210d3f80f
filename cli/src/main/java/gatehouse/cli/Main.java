package gatehouse.cli;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** The {@code gatehouse} command. {@code main} only delegates to the testable {@link #run}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // stdout is block-buffered (reports can be many megabytes); stderr stays line-flushed for progress
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.UTF_8);
        int code;
        try {
            code = run(args, System.in, out, System.err);
        } finally {
            out.flush();
        }
        System.exit(code);
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
