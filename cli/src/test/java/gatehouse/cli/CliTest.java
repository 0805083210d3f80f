package gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
    @TempDir
    Path dir;

    InProcess.Result run(String... args) {
        return InProcess.run(dir, args);
    }

    private static String nameOf(Class<?> c) {
        return c.getAnnotation(CommandLine.Command.class).name();
    }

    @Test
    void aCommandLineNamingACommandBuildsOnlyThatOneAndHelpBuildsThemAll() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        var in = new ByteArrayInputStream(new byte[0]);
        assertThat(Cli.commandLine(List.of("secrets", "scan", "--staged"), in, sink, sink).getSubcommands().keySet())
                .containsExactly("secrets");
        assertThat(Cli.commandLine(List.of("monitor", "run"), in, sink, sink).getSubcommands().keySet())
                .containsExactly("monitor");
        List<String> all = Cli.SUBCOMMANDS.stream().map(CliTest::nameOf).toList();
        for (List<String> args : List.of(List.<String>of(), List.of("--help"), List.of("help", "scan"), List.of("nosuch"))) {
            assertThat(Cli.commandLine(args, in, sink, sink).getSubcommands().keySet()).as(args.toString())
                    .containsExactlyElementsOf(all);
        }
    }

    @Test
    void helpListsEveryCommandAndHelpOfOneCommandWorks() {
        InProcess.Result r = run("--help");
        assertThat(r.code()).isZero();
        for (Class<?> c : Cli.SUBCOMMANDS) {
            if (c.getAnnotation(CommandLine.Command.class).hidden()) {
                continue;
            }
            assertThat(r.out()).contains("  " + nameOf(c) + " ");
        }
        InProcess.Result h = run("help", "secrets");
        assertThat(h.code()).isZero();
        assertThat(h.out()).startsWith("Usage: gatehouse secrets");
    }

    @Test
    void usageErrorsNameTheCommandWhoseHelpToRead() {
        InProcess.Result unknown = run("nosuch");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unmatched argument at index 0: 'nosuch'").contains("hint: see 'gatehouse --help'");
        InProcess.Result bad = run("secrets", "--bogus");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("Unknown option: '--bogus'").contains("hint: see 'gatehouse secrets --help'");
    }

    /** Only an installed hook's exact command line skips picocli; help, options and unknown hooks do not. */
    @Test
    void onlyAHooksFixedCommandLineSkipsPicocli() {
        for (List<String> args : List.of(List.of("hooks", "run", "--help"), List.of("hooks", "run", "nosuch"),
                List.of("hooks", "run"), List.of("hooks", "install"), List.of("secrets", "run", "pre-commit"),
                List.of("hooks", "run", "pre-push", "--force"))) {
            assertThat(gatehouse.cli.secrets.HooksCommand.runDirect(args)).as(args.toString()).isNull();
        }
        // outside a git repository both paths report it the same way
        InProcess.Result outside = run("hooks", "run", "pre-commit");
        assertThat(outside.code()).isEqualTo(2);
        assertThat(outside.err()).startsWith("gatehouse: pre-commit hook: ").contains("not a git repository");
        assertThat(run("hooks", "run", "nosuch").err()).startsWith("gatehouse: nosuch hook: ").contains("not a git repository");
    }

    @Test
    void theDirectHookPathBlocksAStagedSecretAndPassesACleanCommit() throws Exception {
        git("init", "-q");
        java.nio.file.Files.writeString(dir.resolve("ok.txt"), "hello\n");
        git("add", "ok.txt");
        assertThat(run("hooks", "run", "pre-commit").code()).isZero();
        java.nio.file.Files.writeString(dir.resolve("cfg.txt"), "aws_key = \"AKIAZ3MSJV4WPQ7HLK2N\"\n");
        git("add", "cfg.txt");
        InProcess.Result blocked = run("hooks", "run", "pre-commit");
        assertThat(blocked.code()).isEqualTo(1);
        assertThat(blocked.err()).contains("commit blocked").contains("cfg.txt:1:").contains("aws-access-token")
                .doesNotContain("AKIAZ3MSJV4WPQ7HLK2N");
        assertThat(run("hooks", "run", "nosuch").err()).contains("unknown hook nosuch");
    }

    private void git(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
    }
}
