package gatehouse.cli.secrets;

import gatehouse.cli.Context;
import gatehouse.cli.ExitCode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.secrets.detect.Detector;
import gatehouse.secrets.detect.Redact;
import gatehouse.secrets.rules.GitleaksConfig;
import gatehouse.secrets.rules.RuleSet;
import gatehouse.secrets.scan.Baseline;
import gatehouse.secrets.scan.SecretsReport;
import gatehouse.secrets.scan.SecretsScanner;
import gatehouse.secrets.git.Git;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse hooks}: git hooks that stop secrets before they leave a laptop. Installed hooks chain to
 * the hooks that were there before (kept as {@code NAME.gatehouse-chained}), so Gatehouse is safe alongside
 * other tools; uninstall puts them back.
 */
@Command(name = "hooks", mixinStandardHelpOptions = true,
        description = "Installs, removes and runs Gatehouse's git hooks (pre-commit, commit-msg, pre-push).",
        subcommands = {HooksCommand.Install.class, HooksCommand.Uninstall.class, HooksCommand.Run.class})
public final class HooksCommand implements Runnable {
    static final List<String> HOOKS = List.of("pre-commit", "commit-msg", "pre-push");
    static final String MARK = "# gatehouse-managed hook";
    static final String CHAINED = ".gatehouse-chained";
    /** The file (in the repository root) listing fingerprints of accepted findings. */
    static final String BASELINE = Baseline.PROJECT_FILE;

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(Context.out());
    }

    static Path hooksDir(boolean global) throws IOException {
        if (global) {
            String xdg = System.getenv("XDG_CONFIG_HOME");
            Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
            return base.resolve("gatehouse").resolve("hooks");
        }
        Git git = new Git(Context.baseDir().toAbsolutePath());
        if (!git.isRepository()) {
            throw new InputException(Diagnostic.of("hooks", gatehouse.core.SourceSpan.at(Context.baseDir().toAbsolutePath().toString(), 0, 0),
                    "not inside a git repository", "run it in a repository, or use --global for every repository"));
        }
        Path p = Path.of(git.runText("rev-parse", "--git-path", "hooks").strip());
        return p.isAbsolute() ? p : Context.baseDir().toAbsolutePath().resolve(p).normalize();
    }

    static String launcher() {
        String l = System.getProperty("gatehouse.launcher");
        return l == null || l.isBlank() ? "gatehouse" : l;
    }

    static String script(String hook, boolean global) {
        String q = "'" + launcher().replace("'", "'\\''") + "'";
        StringBuilder sb = new StringBuilder();
        sb.append("#!/bin/sh\n").append(MARK).append(" (").append(hook).append("). Remove with: gatehouse hooks uninstall")
                .append(global ? " --global" : "").append('\n');
        if (hook.equals("pre-push")) {
            sb.append("refs=$(cat)\n");
        }
        String feed = hook.equals("pre-push") ? "printf '%s\\n' \"$refs\" | " : "";
        sb.append("here=$(dirname \"$0\")\n");
        sb.append("if [ -x \"$here/").append(hook).append(CHAINED).append("\" ]; then ").append(feed).append("\"$here/")
                .append(hook).append(CHAINED).append("\" \"$@\" || exit $?; fi\n");
        if (global) {
            // a global hooks path hides the repository's own hooks: run them too
            sb.append("local_hook=\"$(git rev-parse --git-dir)/hooks/").append(hook).append("\"\n");
            sb.append("if [ -x \"$local_hook\" ] && ! grep -q '").append(MARK).append("' \"$local_hook\"; then ").append(feed)
                    .append("\"$local_hook\" \"$@\" || exit $?; fi\n");
        }
        sb.append("[ \"${GATEHOUSE_SKIP_HOOKS:-}\" = 1 ] && exit 0\n");
        sb.append(feed).append("exec ").append(q).append(" hooks run ").append(hook).append(" \"$@\"\n");
        return sb.toString();
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Installs the hooks in this repository (or, with --global, for every repository of this user).")
    static final class Install implements Callable<Integer> {
        @Option(names = "--global", description = "Install in ~/.config/gatehouse/hooks and point git's core.hooksPath there")
        boolean global;

        @Override
        public Integer call() {
            try {
                Path dir = hooksDir(global);
                Files.createDirectories(dir);
                for (String hook : HOOKS) {
                    Path h = dir.resolve(hook);
                    if (Files.exists(h) && !ours(h)) {
                        Path keep = dir.resolve(hook + CHAINED);
                        if (Files.exists(keep)) {
                            Context.err().println(h + ":0:0: error: both a foreign hook and " + keep.getFileName() + " exist");
                            Context.err().println("  hint: merge them by hand, then run install again");
                            return ExitCode.INPUT_ERROR.code;
                        }
                        Files.move(h, keep);
                        Context.err().println("kept your existing " + hook + " hook: it runs first, as " + keep.getFileName());
                    }
                    Files.writeString(h, script(hook, global), StandardCharsets.UTF_8);
                    try {
                        Files.setPosixFilePermissions(h, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } catch (UnsupportedOperationException ignored) {
                        h.toFile().setExecutable(true);
                    }
                }
                if (global) {
                    new Git(Context.baseDir().toAbsolutePath()).run("config", "--global", "core.hooksPath", dir.toString());
                }
                Context.out().println("installed " + String.join(", ", HOOKS) + " in " + dir);
                return ExitCode.OK.code;
            } catch (InputException e) {
                Context.err().print(Diagnostic.renderAll(e.diagnostics()));
                return ExitCode.INPUT_ERROR.code;
            } catch (IOException e) {
                Context.err().println("gatehouse: cannot install hooks: " + e.getMessage());
                return ExitCode.INPUT_ERROR.code;
            }
        }
    }

    static boolean ours(Path hook) throws IOException {
        return Files.isRegularFile(hook) && Files.readString(hook, StandardCharsets.UTF_8).contains(MARK);
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true, description = "Removes Gatehouse's hooks and restores the ones it chained to.")
    static final class Uninstall implements Callable<Integer> {
        @Option(names = "--global", description = "Remove the user-wide hooks and unset core.hooksPath")
        boolean global;

        @Override
        public Integer call() {
            try {
                Path dir = hooksDir(global);
                for (String hook : HOOKS) {
                    Path h = dir.resolve(hook);
                    if (ours(h)) {
                        Files.delete(h);
                    }
                    Path keep = dir.resolve(hook + CHAINED);
                    if (Files.exists(keep) && !Files.exists(h)) {
                        Files.move(keep, h);
                    }
                }
                if (global) {
                    Git git = new Git(Context.baseDir().toAbsolutePath());
                    try {
                        if (git.runText("config", "--global", "core.hooksPath").strip().equals(dir.toString())) {
                            git.run("config", "--global", "--unset", "core.hooksPath");
                        }
                    } catch (IOException notSet) {
                        // nothing to unset
                    }
                }
                Context.out().println("removed Gatehouse's hooks from " + dir);
                return ExitCode.OK.code;
            } catch (InputException e) {
                Context.err().print(Diagnostic.renderAll(e.diagnostics()));
                return ExitCode.INPUT_ERROR.code;
            } catch (IOException e) {
                Context.err().println("gatehouse: cannot remove hooks: " + e.getMessage());
                return ExitCode.INPUT_ERROR.code;
            }
        }
    }

    /**
     * The command line an installed hook runs ({@code hooks run HOOK [ARG...]}, no options), run without picocli: a
     * hook starts on every commit, and picocli's classes, compiled for Java 5, can never come from the AOT cache, so
     * building its model costs about a third of the hook's time. Anything else (an option, {@code --help}, an unknown
     * hook name) returns null and goes through picocli as usual. Same exit codes and messages as {@link Run}; an
     * unexpected exception is the caller's to report, as picocli's handler reports it.
     */
    public static Integer runDirect(List<String> commandLine) {
        if (commandLine.size() < 3 || !commandLine.get(0).equals("hooks") || !commandLine.get(1).equals("run")
                || !HOOKS.contains(commandLine.get(2)) || commandLine.stream().skip(2).anyMatch(a -> a.startsWith("-"))) {
            return null;
        }
        Run run = new Run();
        run.hook = commandLine.get(2);
        run.args = new ArrayList<>(commandLine.subList(3, commandLine.size()));
        return run.call();
    }

    @Command(name = "run", mixinStandardHelpOptions = true, hidden = true,
            description = "What an installed hook runs: pre-commit, commit-msg FILE or pre-push (refs on stdin).")
    static final class Run implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "HOOK")
        String hook;

        @Parameters(index = "1..*", paramLabel = "ARG")
        List<String> args = new ArrayList<>();

        @Override
        public Integer call() {
            try {
                Path cwd = Context.baseDir().toAbsolutePath();
                Git git = new Git(cwd);
                Path top = Path.of(git.runText("rev-parse", "--show-toplevel").strip());
                RuleSet rules = GitleaksConfig.forProject(top);
                Set<String> known = Baseline.readIfPresent(top.resolve(BASELINE));
                SecretsScanner scanner = new SecretsScanner(new Detector(rules), SecretsScanner.Options.defaults());
                SecretsScanner.Result result;
                String what;
                switch (hook) {
                    case "pre-commit" -> {
                        result = scanner.scanStaged(top);
                        what = "commit blocked: the staged changes add";
                    }
                    case "commit-msg" -> {
                        if (args.isEmpty()) {
                            Context.err().println("gatehouse: commit-msg needs the message file");
                            return ExitCode.INPUT_ERROR.code;
                        }
                        result = scanner.scanMessageFile(Context.resolve(args.get(0)));
                        what = "commit blocked: the commit message holds";
                    }
                    case "pre-push" -> {
                        result = prePush(scanner, top);
                        what = "push blocked: the commits being pushed add";
                    }
                    default -> {
                        Context.err().println("gatehouse: unknown hook " + hook);
                        Context.err().println("  hint: one of " + String.join(", ", HOOKS));
                        return ExitCode.INPUT_ERROR.code;
                    }
                }
                List<SecretsScanner.Hit> fresh = result.hits().stream()
                        .filter(h -> !known.contains(h.match().fingerprint())).toList();
                if (fresh.isEmpty()) {
                    return ExitCode.OK.code;
                }
                var err = Context.err();
                err.println("gatehouse: " + what + " " + fresh.size() + (fresh.size() == 1 ? " secret:" : " secrets:"));
                for (SecretsScanner.Hit h : fresh) {
                    var m = h.match();
                    err.println("  " + SecretsReport.file(h) + ":" + m.line() + ":" + m.column() + "  " + m.rule().id() + "  "
                            + (m.secret().isEmpty() ? "(sensitive file)" : Redact.secret(m.secret()))
                            + (h.origin().commit().isEmpty() ? "" : "  in commit " + h.origin().commit().substring(0, 12)));
                }
                err.println("  fix: remove the secret and load it from a secret manager or the environment;");
                err.println("       if it was ever pushed, revoke and rotate it.");
                err.println("  a false positive? add a 'gatehouse:allow' comment on that line, or accept the current");
                err.println("       findings with: gatehouse secrets baseline --staged -o " + BASELINE);
                return ExitCode.GATE_FAILED.code;
            } catch (InputException e) {
                Context.err().print(Diagnostic.renderAll(e.diagnostics()));
                return ExitCode.INPUT_ERROR.code;
            } catch (IOException e) {
                Context.err().println("gatehouse: " + hook + " hook: " + e.getMessage());
                return ExitCode.INPUT_ERROR.code;
            }
        }

        /**
         * git gives pre-push "local-ref local-sha remote-ref remote-sha" lines: scan what the remote lacks. Under the
         * pre-commit framework, which passes the range as PRE_COMMIT_FROM_REF / PRE_COMMIT_TO_REF, scan that range.
         */
        private SecretsScanner.Result prePush(SecretsScanner scanner, Path top) throws IOException {
            String from = System.getenv("PRE_COMMIT_FROM_REF");
            String to = System.getenv("PRE_COMMIT_TO_REF");
            if (from != null && !from.isBlank() && to != null && !to.isBlank()) {
                return scanner.scanHistory(top, from.matches("0+") ? List.of(to, "--not", "--remotes")
                        : List.of(from + ".." + to));
            }
            List<SecretsScanner.Hit> hits = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(Context.in(), StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.strip().split("\\s+");
                if (f.length < 4 || f[1].matches("0+")) {
                    continue; // a deleted ref pushes nothing
                }
                List<String> revs = f[3].matches("0+") ? List.of(f[1], "--not", "--remotes") : List.of(f[3] + ".." + f[1]);
                SecretsScanner.Result one = scanner.scanHistory(top, revs);
                hits.addAll(one.hits());
                errors.addAll(one.errors());
            }
            return new SecretsScanner.Result(hits, List.of(), List.of(), errors, 0, 0, 0);
        }
    }
}
