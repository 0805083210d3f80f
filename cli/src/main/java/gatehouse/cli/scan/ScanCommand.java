package gatehouse.cli.scan;

import gatehouse.cli.Context;
import gatehouse.cli.ReportOutput;
import gatehouse.cli.ExitCode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.finding.ScanReport;
import gatehouse.core.report.Reporter;
import gatehouse.iac.pack.PackRule;
import gatehouse.iac.pack.RuleDocs;
import gatehouse.iac.pack.RulePack;
import gatehouse.pipeline.gate.PolicyScan;
import gatehouse.iac.scan.ScanConfig;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse scan}: the IaC policy gate over a directory. */
@Command(name = "scan", mixinStandardHelpOptions = true,
        description = {"Scans CloudFormation templates (JSON/YAML, SAM, CDK output) with the built-in security rule pack "
                + "and your Guard rules, resolving parameters and intrinsics statically, and decides the gate: "
                + "PASS, NEEDS_APPROVAL or FAIL by risk.", "",
                "Exit codes: 0 pass, 1 the gate failed or needs approval, 2 input error (bad flag, unreadable or invalid file, "
                + "broken rule or config), 3 internal error."},
        footer = {"", "Examples:",
                "  gatehouse scan                                   scan the current directory",
                "  gatehouse scan infra/ -p params/prod.json        resolve parameters from a parameter file",
                "  gatehouse scan -f sarif -o scan.sarif -f text    SARIF to a file and text to the terminal",
                "  gatehouse scan --rules policies/ --no-builtin    only your own Guard rules",
                "  gatehouse scan --list-rules                      the rules that would run"})
public final class ScanCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", description = "Files or directories to scan (default: the current directory)")
    List<String> paths = new ArrayList<>();

    @Option(names = {"-r", "--rules"}, paramLabel = "FILE|DIR", description = "Guard rule file or directory (repeatable)")
    List<String> rules = new ArrayList<>();

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Configuration (default: ./.gatehouse.yml when present)")
    String config;

    @Option(names = {"-p", "--parameters"}, paramLabel = "FILE",
            description = "CloudFormation parameter file whose values resolve Ref to parameters (CLI, CodePipeline or plain map format)")
    String parameters;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "text (default), json, sarif, junit, html (repeatable)")
    List<String> formats = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Where the format at the same position goes (repeatable; '-' or none: standard output)")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--no-builtin", description = "Do not run the built-in rule pack")
    boolean noBuiltin;

    @Option(names = "--list-rules", description = "List the rules that would run and exit")
    boolean listRules;

    @Option(names = "--rule-docs", paramLabel = "DIR", description = "Write a Markdown page per built-in rule into DIR and exit")
    String ruleDocs;

    @Option(names = "--no-secrets", description = "Do not look for secrets in the scanned files (on by default)")
    boolean noSecrets;

    @Option(names = "--no-color", description = "No ANSI colours in text output")
    boolean noColor;

    @Override
    public Integer call() {
        try {
            return scan();
        } catch (InputException e) {
            Context.err().print(Diagnostic.renderAll(e.diagnostics()));
            if (Context.debug()) {
                e.printStackTrace(Context.err());
            }
            return ExitCode.INPUT_ERROR.code;
        }
    }

    private int scan() {
        Path cwd = Context.baseDir().toAbsolutePath().normalize();
        List<Path> targets = paths.isEmpty() ? List.of(cwd) : paths.stream().map(Context::resolve).toList();
        Path configFile = config != null ? Context.resolve(config) : findConfig(cwd, targets);
        if (config != null && !Files.exists(configFile)) {
            Context.err().println(config + ":0:0: error: no such configuration file");
            Context.err().println("  hint: check the --config path, or leave it out to use ./.gatehouse.yml");
            return ExitCode.INPUT_ERROR.code;
        }
        ScanConfig cfg = ScanConfig.load(configFile);
        if (ruleDocs != null) {
            Path dir = Context.resolve(ruleDocs);
            int n = RuleDocs.write(RulePack.builtin(), dir);
            Context.err().println("wrote " + n + " rule pages to " + dir);
            return ExitCode.OK.code;
        }
        PolicyScan scan = new PolicyScan(cwd, targets, cfg, !noBuiltin, rules.stream().map(Context::resolve).toList(),
                parameters == null ? null : Context.resolve(parameters), !noSecrets);
        List<PackRule> selected = scan.rules();
        if (listRules) {
            for (PackRule r : selected) {
                Context.out().printf("%-16s %-8s %3d  %s%n", r.id(), r.rule().severity().label(), r.rule().risk(), r.rule().title());
            }
            return ExitCode.OK.code;
        }
        Integer bad = ReportOutput.check(formats, outputs);
        if (bad != null) {
            return bad;
        }
        boolean progress = Context.interactive();
        ScanReport report = scan.run(Clock.systemUTC(), progress ? p -> {
            Context.err().print("\r\u001b[2K[" + p + "]");
            Context.err().flush();
        } : null);
        if (progress) {
            Context.err().print("\r\u001b[2K");
            Context.err().flush();
        }
        Integer failed = ReportOutput.write(report, formats, outputs, noColor);
        if (failed != null) {
            return failed;
        }
        if (!report.errors().isEmpty()) {
            if (!ReportOutput.textOnStdout(formats, outputs)) { // the text report lists input errors itself; otherwise they go to stderr
                report.errors().forEach(e -> Context.err().println(e));
            }
            return ExitCode.INPUT_ERROR.code;
        }
        return report.decision().outcome().exitCode();
    }

    private static Path findConfig(Path cwd, List<Path> targets) {
        Path here = cwd.resolve(ScanConfig.FILE_NAME);
        if (Files.exists(here)) {
            return here;
        }
        if (targets.size() == 1 && Files.isDirectory(targets.get(0))) {
            Path there = targets.get(0).resolve(ScanConfig.FILE_NAME);
            if (Files.exists(there)) {
                return there;
            }
        }
        return here;
    }


}
