package gatehouse.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Runs one {@code gatehouse} command line in this JVM, as {@code main} would, and keeps what it printed. */
public final class InProcess {
    private InProcess() {}

    /** What a command line came to: its exit code, standard output and standard error. */
    public record Result(int code, String out, String err) {}

    /** {@code args} with relative paths resolved against {@code dir}, and nothing on standard input. */
    public static Result run(Path dir, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), dir);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** {@code command} followed by {@code args}, as {@link #run(Path, String...)} runs them. */
    public static Result command(Path dir, String command, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        return run(dir, all);
    }
}
