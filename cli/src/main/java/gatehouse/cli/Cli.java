package gatehouse.cli;

import gatehouse.cli.guard.GuardCommand;
import gatehouse.cli.scan.ScanCommand;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Builds the picocli command tree and runs it. Subcommands register in {@link #commandLine}. */
@Command(name = "gatehouse", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Automated security controls for delivery pipelines: one policy language (AWS CloudFormation Guard) at commit, in the pipeline, after deploy and at run time.")
public final class Cli implements Runnable {
    /**
     * The subcommands, in help order. Registered in {@link #commandLine}: picocli builds the model of every command
     * it is given, by reflection, which for all of them costs a quarter of a second of a git hook's start; a command
     * line naming one of them gets only that one (help, a bare or unknown command and the options get them all).
     */
    static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(CommandLine.HelpCommand.class, ScanCommand.class, GuardCommand.class,
                gatehouse.cli.secrets.SecretsCommand.class, gatehouse.cli.secrets.HooksCommand.class,
                gatehouse.cli.pipeline.PipelineCommands.Run.class, gatehouse.cli.pipeline.PipelineCommands.Plan.class,
                gatehouse.cli.pipeline.PipelineCommands.Runs.class, gatehouse.cli.pipeline.PipelineCommands.Show.class,
                gatehouse.cli.pipeline.PipelineCommands.Approve.class, gatehouse.cli.pipeline.SecretsFileCommand.class,
                gatehouse.cli.merge.MergeCommand.class,
                gatehouse.cli.attest.KeygenCommand.class, gatehouse.cli.attest.AttestCommand.class,
                gatehouse.cli.attest.VerifyCommand.class, gatehouse.cli.audit.AuditCommand.class, gatehouse.cli.monitor.MonitorCommand.class,
                gatehouse.cli.comply.ComplyCommand.class, TrainCommand.class);
    private final PrintStream out;

    private Cli(PrintStream out) {
        this.out = out;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(out);
    }

    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return run(args, in, out, err, java.nio.file.Path.of(""));
    }

    /** Runs with relative paths resolved against {@code baseDir} (for in-process tests). */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, java.nio.file.Path baseDir) {
        boolean debug = false;
        java.util.List<String> rest = new java.util.ArrayList<>();
        for (String a : args) {
            if (a.equals("--debug")) {
                debug = true;
            } else {
                rest.add(a);
            }
        }
        if (debug) {
            System.setProperty("gatehouse.debug", "true");
        }
        Context.set(in, out, err, baseDir);
        GuardCommand.configure(in, baseDir);
        GuardCommand.Streams.set(out, err);
        try {
            // an installed git hook's fixed command line skips picocli (see HooksCommand.runDirect)
            Integer hooked;
            try {
                hooked = gatehouse.cli.secrets.HooksCommand.runDirect(rest);
            } catch (RuntimeException e) {
                return internalError(e, err);
            }
            if (hooked != null) {
                return hooked;
            }
            return commandLine(rest, in, out, err).execute(rest.toArray(String[]::new));
        } catch (StackOverflowError e) {
            // every parser bounds its nesting; this is the last line of defence, not a stack trace
            err.println("gatehouse: error: the input is nested too deeply to process");
            err.println("  hint: flatten the document; rerun with --debug for details");
            if (debug) {
                e.printStackTrace(err);
            }
            return ExitCode.INPUT_ERROR.code;
        } catch (OutOfMemoryError e) {
            err.println("gatehouse: internal error: out of memory");
            err.println("  hint: give the JVM more heap (JAVA_OPTS=-Xmx2g) or scan fewer files at once");
            return ExitCode.INTERNAL_ERROR.code;
        }
    }

    static CommandLine commandLine(java.util.List<String> args, InputStream in, PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Cli(out));
        Class<?> only = args.isEmpty() ? null : named(args.get(0));
        for (Class<?> c : SUBCOMMANDS) {
            if (only == null || c == only) {
                cl.addSubcommand(c);
            }
        }
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((ex, line, parsed) -> internalError(ex, err));
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("gatehouse: " + ex.getMessage());
            err.println("  hint: see '" + ex.getCommandLine().getCommandSpec().qualifiedName(" ") + " --help'");
            return ExitCode.INPUT_ERROR.code;
        });
        return cl;
    }

    /** A command's unexpected exception: one line (the stack trace with --debug), exit code 3. */
    private static int internalError(Exception ex, PrintStream err) {
        err.println("gatehouse: internal error: " + ex);
        if (Boolean.getBoolean("gatehouse.debug")) {
            ex.printStackTrace(err);
        }
        return ExitCode.INTERNAL_ERROR.code;
    }

    /** The subcommand class {@code name} names (by its {@code @Command} name or alias), or null; help is all of them. */
    private static Class<?> named(String name) {
        for (Class<?> c : SUBCOMMANDS) {
            Command command = c.getAnnotation(Command.class);
            if (c != CommandLine.HelpCommand.class && command != null
                    && (command.name().equals(name) || java.util.List.of(command.aliases()).contains(name))) {
                return c;
            }
        }
        return null;
    }

    /** Reads the version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Cli.class.getPackage().getImplementationVersion();
            return new String[] {"gatehouse " + (v == null ? "dev" : v)};
        }
    }
}
