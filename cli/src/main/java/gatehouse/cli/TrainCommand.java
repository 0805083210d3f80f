package gatehouse.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Hidden: the workload {@code bin/gatehouse} records its start-up archive (JDK 25 AOT cache / AppCDS) with, once
 * per build. One JVM can only record one run, so this runs the common paths in-process: Guard validation, the
 * IaC scan, a secrets scan and the pre-commit hook on a scratch repository. Output is discarded.
 */
@Command(name = "__train", hidden = true)
public final class TrainCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ROOT")
    Path root;

    @Override
    public Integer call() throws IOException {
        PrintStream nul = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        Path ex = root.resolve("examples");
        Path tmp = Files.createTempDirectory("gatehouse-train");
        try {
            run(nul, tmp, "guard", "validate", "-r", ex.resolve("guard/rules").toString(), "-d",
                    ex.resolve("guard/templates").toString(), "-S", "all");
            run(nul, tmp, "scan", ex.resolve("seed-demo").toString(), "-f", "json");
            run(nul, tmp, "scan", ex.resolve("seed-demo").toString());
            Files.writeString(tmp.resolve("app.py"), "aws_key = 'AKIAZ3MSJV4WPQ7HLK2N'\npassword = \"hunter2-Xy9\"\n");
            run(nul, tmp, "secrets", "scan", "--all", tmp.toString());
            if (git(tmp, "init", "-q") && git(tmp, "add", "app.py")) {
                run(nul, tmp, "hooks", "run", "pre-commit");
            }
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    private static void run(PrintStream nul, Path base, String... args) {
        try {
            Cli.run(args, new ByteArrayInputStream(new byte[0]), nul, nul, base);
        } catch (RuntimeException ignored) {
            // training must never fail the launcher
        }
    }

    private static boolean git(Path dir, String... args) {
        try {
            Process p = new ProcessBuilder(Stream.concat(Stream.of("git"), Stream.of(args)).toList()).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
