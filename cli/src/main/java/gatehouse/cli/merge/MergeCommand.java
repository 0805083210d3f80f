package gatehouse.cli.merge;

import gatehouse.cli.Context;
import gatehouse.cli.ExitCode;
import gatehouse.cli.ReportOutput;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.pipeline.merge.MergeConfig;
import gatehouse.pipeline.merge.MergeSpec;
import gatehouse.pipeline.merge.SplitOwnershipMerge;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gatehouse merge}: the split-ownership merge (docs/merge.md); decodes flags, calls {@link SplitOwnershipMerge}. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Merges CloudFormation fragments owned by several teams into one template, \"security always wins\": "
                + "each fragment is checked with its owner's Guard rules, sections are merged key by key, a lower-precedence "
                + "owner's redefinition or alteration of a higher owner's element is a blocking finding (never a silent "
                + "override), and the merged template is checked with every owner's rules, findings pointing at the "
                + "fragment lines.", "",
                "Owners come from --owner/--rules/--precedence, or from the merge: section of gatehouse.yml (--config; "
                + "./gatehouse.yml when present and no --owner is given).", "",
                "Exit codes: 0 clean, 1 blocking findings, 2 input error (bad flag, broken fragment, a fragment matching no "
                + "owner or two owners of the same precedence, broken rule or config), 3 internal error."},
        footer = {"", "Examples:",
                "  gatehouse merge --owner security=sec/** --owner ops=ops/** --owner dev=app/** \\",
                "      --rules security=policies/security -o merged.yaml --provenance merged.provenance.json",
                "                                                  merge every owned fragment under the current directory",
                "  gatehouse merge -c gatehouse.yml -f sarif --report merge.sarif -f text",
                "                                                  owners from gatehouse.yml; SARIF to a file, text to the terminal",
                "  gatehouse merge --owner security=sec/** --owner dev=app/** --precedence security,dev sec/sg.yaml app/web.yaml",
                "                                                  only the fragments named"})
public final class MergeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FRAGMENT", description = "Fragment files or directories (default: every file under the base "
            + "directory that an owner's glob matches)")
    List<String> fragments = new ArrayList<>();

    @Option(names = "--owner", paramLabel = "NAME=GLOB", description = "A path glob of the fragments NAME owns, relative to "
            + "the current directory (repeatable; ** crosses directories)")
    List<String> owners = new ArrayList<>();

    @Option(names = {"-r", "--rules"}, paramLabel = "NAME=PATH", description = "A Guard rule file or directory of owner NAME "
            + "(repeatable)")
    List<String> rules = new ArrayList<>();

    @Option(names = "--precedence", paramLabel = "LIST", description = "Owners, highest first, comma-separated; owners of equal "
            + "rank joined by + (default: security,ops,dev, then others as declared)")
    String precedence;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "gatehouse.yml whose merge: section declares the owners")
    String config;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the merged template here (.json: JSON, else YAML)")
    String output;

    @Option(names = "--provenance", paramLabel = "FILE", description = "Write the provenance map (JSON pointer of each merged "
            + "element -> owner, file, line, column) here")
    String provenance;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "Report format: text (default), json, sarif, junit, "
            + "html (repeatable)")
    List<String> formats = new ArrayList<>();

    @Option(names = "--report", paramLabel = "FILE", description = "Where the report format at the same position goes "
            + "(repeatable; '-' or none: standard output)")
    List<String> reports = new ArrayList<>();

    @Option(names = "--no-color", description = "No ANSI colours in text output")
    boolean noColor;

    @Override
    public Integer call() {
        try {
            return merge();
        } catch (InputException e) {
            Context.err().print(Diagnostic.renderAll(e.diagnostics()));
            if (Context.debug()) {
                e.printStackTrace(Context.err());
            }
            return ExitCode.INPUT_ERROR.code;
        }
    }

    private int merge() {
        Integer bad = ReportOutput.check(formats, reports);
        if (bad != null) {
            return bad;
        }
        Path cwd = Context.baseDir().toAbsolutePath().normalize();
        Path defaultConfig = cwd.resolve("gatehouse.yml");
        MergeSpec spec;
        Path configFile = null;
        if (config != null || owners.isEmpty() && Files.exists(defaultConfig)) {
            if (!owners.isEmpty() || !rules.isEmpty() || precedence != null) {
                return usage("--owner, --rules and --precedence cannot be combined with --config",
                        "declare the owners in the merge: section of the configuration, or only with flags");
            }
            configFile = config == null ? defaultConfig : Context.resolve(config);
            if (!Files.exists(configFile)) {
                return usage(config + ":0:0: error: no such configuration file", "check the --config path");
            }
            MergeSpec fromFile = MergeConfig.load(configFile);
            spec = new MergeSpec(fromFile.baseDir(), fromFile.owners(), fromFile.ranks(),
                    output != null ? Context.resolve(output) : fromFile.output(),
                    provenance != null ? Context.resolve(provenance) : fromFile.provenance());
        } else {
            if (owners.isEmpty()) {
                return usage("no owners: give --owner NAME=GLOB for each owner, or --config gatehouse.yml",
                        "e.g. gatehouse merge --owner security=sec/** --owner dev=app/** -o merged.yaml");
            }
            Map<String, List<String>> globs = new LinkedHashMap<>();
            for (String o : owners) {
                String[] kv = pair(o, "--owner");
                if (kv == null) {
                    return ExitCode.INPUT_ERROR.code;
                }
                globs.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv[1]);
            }
            Map<String, List<Path>> rulePaths = new LinkedHashMap<>();
            for (String r : rules) {
                String[] kv = pair(r, "--rules");
                if (kv == null) {
                    return ExitCode.INPUT_ERROR.code;
                }
                if (!globs.containsKey(kv[0])) {
                    return usage("--rules names owner " + kv[0] + ", which no --owner declares",
                            "owners: " + String.join(", ", globs.keySet()));
                }
                rulePaths.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(Context.resolve(kv[1]));
            }
            List<MergeSpec.Owner> list = new ArrayList<>();
            globs.forEach((name, g) -> list.add(new MergeSpec.Owner(name, g, rulePaths.getOrDefault(name, List.of()))));
            spec = MergeSpec.of(cwd, list, precedence == null ? List.of() : MergeSpec.parsePrecedence(List.of(precedence)),
                    output == null ? null : Context.resolve(output), provenance == null ? null : Context.resolve(provenance),
                    null);
        }
        List<Path> paths = fragments.stream().map(Context::resolve).toList();
        SplitOwnershipMerge.Outcome outcome = new SplitOwnershipMerge(Clock.systemUTC())
                .run(spec, paths, configFile == null ? Set.of() : Set.of(configFile));
        Integer failed = ReportOutput.write(outcome.report(), formats, reports, noColor);
        if (failed != null) {
            return failed;
        }
        if (!outcome.report().errors().isEmpty()) {
            if (!ReportOutput.textOnStdout(formats, reports)) {
                outcome.report().errors().forEach(e -> Context.err().println(e));
            }
            return ExitCode.INPUT_ERROR.code;
        }
        if (spec.output() != null) {
            Context.err().println("merged " + outcome.report().count() + " into " + shown(cwd, spec.output())
                    + (spec.provenance() == null ? "" : " (provenance: " + shown(cwd, spec.provenance()) + ")"));
        }
        return outcome.blocked() ? ExitCode.GATE_FAILED.code : ExitCode.OK.code;
    }

    private static String shown(Path cwd, Path p) {
        Path a = p.toAbsolutePath().normalize();
        return a.startsWith(cwd) ? cwd.relativize(a).toString() : a.toString();
    }

    private static String[] pair(String s, String flag) {
        int eq = s.indexOf('=');
        if (eq <= 0 || eq == s.length() - 1) {
            usage(flag + " " + s + ": expected NAME=VALUE", flag.equals("--owner") ? "e.g. --owner security=sec/**.yaml"
                    : "e.g. --rules security=policies/security");
            return null;
        }
        return new String[] {s.substring(0, eq).strip(), s.substring(eq + 1).strip()};
    }

    private static int usage(String message, String hint) {
        Context.err().println(message.contains(": error: ") ? message : "gatehouse merge: " + message);
        Context.err().println("  hint: " + hint);
        return ExitCode.INPUT_ERROR.code;
    }
}
