package gatehouse.cli.secrets;

import gatehouse.cli.Context;
import gatehouse.cli.ExitCode;
import gatehouse.cli.ReportOutput;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.finding.ScanReport;
import gatehouse.secrets.detect.Detector;
import gatehouse.secrets.rules.GitleaksConfig;
import gatehouse.secrets.rules.RuleSet;
import gatehouse.secrets.rules.SecretRule;
import gatehouse.secrets.scan.Baseline;
import gatehouse.secrets.scan.SecretsReport;
import gatehouse.secrets.scan.SecretsScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse secrets}: find credentials in files, staged changes, commit messages and full git history. */
@Command(name = "secrets", mixinStandardHelpOptions = true,
        description = "Finds secrets (keys, tokens, passwords) in a tree, in git history, in staged changes or in a commit message.",
        subcommands = {SecretsCommand.Scan.class, SecretsCommand.BaselineCmd.class, SecretsCommand.Rules.class})
public final class SecretsCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(Context.out());
    }

    /** What to scan and with which rules: shared by scan and baseline. */
    static final class Target {
        @Parameters(paramLabel = "PATH", arity = "0..1", description = "Directory, file or repository (default: the current directory)")
        String path;

        @Option(names = "--history", description = "Every commit on every ref: added content, deleted files and commit messages")
        boolean history;

        @Option(names = "--range", paramLabel = "A..B", description = "Only the commits of a revision range (pull-request scans)")
        String range;

        @Option(names = "--since", paramLabel = "REV", description = "Only the commits after REV (same as --range REV..HEAD)")
        String since;

        @Option(names = "--staged", description = "Only what the next commit records (for the pre-commit hook)")
        boolean staged;

        @Option(names = "--message", paramLabel = "FILE", description = "A commit message file (for the commit-msg hook)")
        String message;

        @Option(names = "--stdin", description = "Read the text to scan from standard input")
        boolean stdin;

        @Option(names = "--all", description = "In a work tree, also scan files git ignores")
        boolean all;

        @Option(names = {"-c", "--config"}, paramLabel = "TOML",
                description = "Rules in gitleaks' TOML format (default: ./.gitleaks.toml if present, else Gatehouse's own)")
        String config;

        @Option(names = "--max-size", paramLabel = "MB", description = "Skip files and blobs larger than this (default: 16)")
        long maxMb = 16;

        Path root() {
            return path == null ? Context.baseDir().toAbsolutePath().normalize() : Context.resolve(path).toAbsolutePath().normalize();
        }

        RuleSet rules() {
            if (config != null) {
                return new GitleaksConfig(Context.baseDir()).load(Context.resolve(config));
            }
            Path root = root();
            Path dir = Files.isDirectory(root) ? root : root.getParent();
            Path local = dir == null ? null : dir.resolve(".gitleaks.toml");
            if (local != null && Files.isRegularFile(local)) {
                return new GitleaksConfig(Context.baseDir()).load(local);
            }
            return GitleaksConfig.defaults();
        }

        SecretsScanner.Result run(Detector detector) throws IOException {
            int modes = (history ? 1 : 0) + (range != null || since != null ? 1 : 0) + (staged ? 1 : 0)
                    + (message != null ? 1 : 0) + (stdin ? 1 : 0);
            if (modes > 1 && !(history && (range != null || since != null) && modes == 2)) {
                throw new InputException(Diagnostic.of("usage", gatehouse.core.SourceSpan.at("", 0, 0),
                        "choose one of --history/--range/--since, --staged, --message, --stdin", null));
            }
            boolean progress = Context.interactive();
            SecretsScanner scanner = new SecretsScanner(detector, new SecretsScanner.Options(maxMb << 20,
                    Math.max(1, Runtime.getRuntime().availableProcessors()), progress ? p -> {
                        Context.err().print("\r\u001b[2K[" + p + "]");
                        Context.err().flush();
                    } : null));
            try {
                Path root = root();
                if (stdin) {
                    return scanner.scanText(new String(Context.in().readAllBytes(), StandardCharsets.UTF_8), "<stdin>", "text");
                }
                if (message != null) {
                    Path f = Context.resolve(message);
                    if (!Files.isRegularFile(f)) {
                        throw missing(message, "no such message file");
                    }
                    return scanner.scanMessageFile(f);
                }
                if (!Files.exists(root)) {
                    throw missing(path, "no such file or directory");
                }
                if (staged) {
                    return scanner.scanStaged(root);
                }
                if (history || range != null || since != null) {
                    List<String> revs = range != null ? List.of(range) : since != null ? List.of(since + "..HEAD") : List.of();
                    return scanner.scanHistory(root, revs);
                }
                return scanner.scanTree(root, all);
            } finally {
                if (progress) {
                    Context.err().print("\r\u001b[2K");
                    Context.err().flush();
                }
            }
        }

        static InputException missing(String p, String msg) {
            return new InputException(Diagnostic.of("io", gatehouse.core.SourceSpan.at(p, 0, 0), msg, "check the path"));
        }
    }

    @Command(name = "scan", mixinStandardHelpOptions = true,
            description = {"Scans for secrets and reports them redacted (a prefix and the length: never in clear).", "",
                    "Exit codes: 0 none found, 1 secrets found, 2 input error, 3 internal error."},
            footer = {"", "Examples:",
                    "  gatehouse secrets scan                          the working tree (ignored files skipped)",
                    "  gatehouse secrets scan --history                every commit, deleted file and commit message",
                    "  gatehouse secrets scan --range origin/main..HEAD  a pull request's commits",
                    "  gatehouse secrets scan --staged                 what the next commit adds",
                    "  gatehouse secrets scan --baseline .gatehouse/secrets-baseline.json -f sarif -o secrets.sarif"})
    static final class Scan implements Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Option(names = "--baseline", paramLabel = "FILE", description = "Known findings (from 'secrets baseline'): report only new ones")
        String baseline;

        @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "text (default), json, sarif, junit, html (repeatable)")
        List<String> formats = new ArrayList<>();

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where the format at the same position goes (repeatable)")
        List<String> outputs = new ArrayList<>();

        @Option(names = "--no-color", description = "No ANSI colours in text output")
        boolean noColor;

        @Override
        public Integer call() {
            try {
                Integer bad = ReportOutput.check(formats, outputs);
                if (bad != null) {
                    return bad;
                }
                Instant started = Instant.now();
                RuleSet rules = target.rules();
                Set<String> known = baseline == null ? Set.of() : Baseline.read(Context.resolve(baseline));
                SecretsScanner.Result result = target.run(new Detector(rules));
                ScanReport report = report(result, rules, known, started);
                Integer failed = ReportOutput.write(report, formats, outputs, noColor);
                if (failed != null) {
                    return failed;
                }
                result.notes().forEach(n -> Context.err().println("note: " + n));
                if (!report.errors().isEmpty()) {
                    if (!ReportOutput.textOnStdout(formats, outputs)) {
                        report.errors().forEach(e -> Context.err().println(e));
                    }
                    return ExitCode.INPUT_ERROR.code;
                }
                return report.decision().outcome().exitCode();
            } catch (InputException e) {
                Context.err().print(Diagnostic.renderAll(e.diagnostics()));
                return ExitCode.INPUT_ERROR.code;
            } catch (IOException e) {
                Context.err().println(target.root() + ":0:0: error: " + e.getMessage());
                Context.err().println("  hint: is this a git repository, and is git on the PATH?");
                return ExitCode.INPUT_ERROR.code;
            }
        }

        private ScanReport report(SecretsScanner.Result result, RuleSet rules, Set<String> known, Instant started) {
            return SecretsReport.report("Gatehouse secrets", version(), target.root().toString(), started,
                    java.time.Duration.between(started, Instant.now()).toMillis(), result, usedRules(result, rules), known);
        }
    }

    /** Rules that reported something (a report listing 240 rules helps nobody); all when nothing was found. */
    static List<SecretRule> usedRules(SecretsScanner.Result result, RuleSet rules) {
        Set<String> used = new java.util.HashSet<>();
        result.hits().forEach(h -> used.add(h.match().rule().id()));
        return rules.rules().stream().filter(r -> used.contains(r.id())).toList();
    }

    static String version() {
        String v = SecretsCommand.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Command(name = "baseline", mixinStandardHelpOptions = true,
            description = {"Records the secrets found now (by fingerprint: rule, secret hash and context; no secret is "
                    + "written) so later scans with --baseline report only new ones."})
    static final class BaselineCmd implements Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "The baseline file to write")
        String output;

        @Override
        public Integer call() {
            try {
                SecretsScanner.Result result = target.run(new Detector(target.rules()));
                Baseline.write(Context.resolve(output), result.hits());
                Context.err().println("wrote " + result.hits().size() + " fingerprints to " + output);
                return result.errors().isEmpty() ? ExitCode.OK.code : ExitCode.INPUT_ERROR.code;
            } catch (InputException e) {
                Context.err().print(Diagnostic.renderAll(e.diagnostics()));
                return ExitCode.INPUT_ERROR.code;
            } catch (IOException e) {
                Context.err().println(output + ":0:0: error: " + e.getMessage());
                return ExitCode.INPUT_ERROR.code;
            }
        }
    }

    @Command(name = "rules", mixinStandardHelpOptions = true, description = "Lists the detection rules that would run.")
    static final class Rules implements Callable<Integer> {
        @Option(names = {"-c", "--config"}, paramLabel = "TOML", description = "Rules in gitleaks' TOML format")
        String config;

        @Override
        public Integer call() {
            try {
                RuleSet rs = config == null ? GitleaksConfig.defaults() : new GitleaksConfig(Context.baseDir()).load(Context.resolve(config));
                for (SecretRule r : rs.rules()) {
                    Context.out().printf("%-44s %s%n", r.id(), r.description());
                }
                Context.out().println(rs.rules().size() + " rules");
                return ExitCode.OK.code;
            } catch (InputException e) {
                Context.err().print(Diagnostic.renderAll(e.diagnostics()));
                return ExitCode.INPUT_ERROR.code;
            }
        }
    }
}
