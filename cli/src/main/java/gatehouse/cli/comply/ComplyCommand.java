package gatehouse.cli.comply;

import gatehouse.audit.AuditLog;
import gatehouse.cli.Context;
import gatehouse.cli.ExitCode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.guard.eval.Evaluator;
import gatehouse.iac.pack.PackRule;
import gatehouse.iac.pack.RulePack;
import gatehouse.monitor.comply.Compliance;
import gatehouse.monitor.comply.ComplianceReport;
import gatehouse.monitor.comply.ComplianceRule;
import gatehouse.monitor.comply.ComplianceWriter;
import gatehouse.monitor.comply.ConfigInput;
import gatehouse.monitor.comply.ConfigResource;
import gatehouse.monitor.comply.RemediationConfig;
import gatehouse.monitor.comply.Remediator;
import gatehouse.store.Store;
import gatehouse.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse comply}: AWS Config-style compliance of resource configurations with Guard rules, and
 * per-rule remediation (docs/comply.md). The logic lives in {@code gatehouse.monitor.comply}; this class only
 * reads files, loads rules as {@code gatehouse scan} does, and writes reports.
 */
@Command(name = "comply", mixinStandardHelpOptions = true,
        description = {"Evaluates resource configurations (AWS Config configuration items or describe-call JSON) with Guard rules: "
                + "a compliance table of rule -> COMPLIANT / NON_COMPLIANT / NOT_APPLICABLE, with optional remediation.",
                "Exit codes: 0 all compliant, 1 something non-compliant (after remediation), 2 bad input, rule or remediation file, 3 internal error."},
        footer = {"", "Examples:",
                "  gatehouse comply config-items/                       # built-in rule pack over every *.json below",
                "  aws configservice batch-get-resource-config ... | gatehouse comply -",
                "  gatehouse comply sgs.json -r rules/ --no-builtin -f html -o compliance.html",
                "  gatehouse comply items.json --remediation remediation.yml --store jdbc:sqlite:audit.db",
                "  gatehouse comply items.json -P approved_amis=ami-1,ami-2"})
public final class ComplyCommand implements Callable<Integer> {
    /** The environment secrets (secretEnv) and the actor come from; tests substitute their own. */
    static Function<String, String> env = System::getenv;

    @Parameters(paramLabel = "INPUT", arity = "1..*",
            description = "JSON files or directories (every *.json below, sorted) of configuration items or describe output; - for standard input")
    List<String> inputs = new ArrayList<>();

    @Option(names = {"-r", "--rules"}, paramLabel = "FILE|DIR", description = "Guard rule file or directory (repeatable), as gatehouse scan takes")
    List<String> rules = new ArrayList<>();

    @Option(names = "--no-builtin", description = "Do not run the built-in rule pack")
    boolean noBuiltin;

    @Option(names = "--rule", paramLabel = "ID", description = "Only these rules (repeatable)")
    List<String> only = new ArrayList<>();

    @Option(names = {"-P", "--parameter"}, paramLabel = "NAME=VALUE",
            description = "Rule parameter, seen by rules as Gatehouse.NAME; a value with commas is a list (repeatable)")
    Map<String, String> parameters = new LinkedHashMap<>();

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", description = "text (default), json, html (repeatable, paired with --output)")
    List<String> formats = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where the report of the --format at the same position goes (default: standard output)")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--remediation", paramLabel = "FILE", description = "Remediation file (YAML; docs/comply.md)")
    String remediation;

    @Option(names = "--remediate", paramLabel = "MODE", defaultValue = "auto",
            description = "With --remediation: auto (default: only automatic remediations), all (manual ones too), none (dry run)")
    String remediate;

    @Option(names = "--store", paramLabel = "URL",
            description = "Where remediation is audited: jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB (default: $GATEHOUSE_STORE, else .gatehouse/gatehouse.db in the project root)")
    String store;

    @Override
    public Integer call() {
        try {
            return comply();
        } catch (InputException e) {
            Context.err().print(Diagnostic.renderAll(e.diagnostics()));
            if (Context.debug()) {
                e.printStackTrace(Context.err());
            }
            return ExitCode.INPUT_ERROR.code;
        } catch (StoreException e) {
            Context.err().println("gatehouse: error: " + e.getMessage());
            Context.err().println(e.userError() ? "  hint: check --store or $GATEHOUSE_STORE" : "  hint: rerun with --debug for details");
            if (Context.debug()) {
                e.printStackTrace(Context.err());
            }
            return e.userError() ? ExitCode.INPUT_ERROR.code : ExitCode.INTERNAL_ERROR.code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Context.err().println("gatehouse: interrupted");
            return ExitCode.INTERNAL_ERROR.code;
        }
    }

    private int comply() throws InterruptedException {
        if (formats.isEmpty()) {
            formats.add("text");
        }
        Integer bad = checkOutputs();
        if (bad != null) {
            return bad;
        }
        Remediator.Mode mode = switch (remediate) {
            case "auto" -> Remediator.Mode.AUTOMATIC;
            case "all" -> Remediator.Mode.ALL;
            case "none" -> Remediator.Mode.NONE;
            default -> throw usage("--remediate", "unknown mode " + remediate, "auto, all or none");
        };
        List<ComplianceRule> ruleList = loadRules();
        Map<String, Value> params = new LinkedHashMap<>();
        parameters.forEach((k, v) -> params.put(k, v.contains(",")
                ? new ListValue("/Gatehouse/" + k, Position.NONE, java.util.Arrays.stream(v.split(",")).map(String::strip)
                        .<Value>map(s -> new StringValue("", Position.NONE, s)).toList())
                : new StringValue("/Gatehouse/" + k, Position.NONE, v)));
        RemediationConfig remConfig = RemediationConfig.none();
        if (remediation != null) {
            Path rp = Context.resolve(remediation);
            Set<String> ids = new LinkedHashSet<>();
            ruleList.forEach(r -> ids.add(r.id()));
            remConfig = RemediationConfig.parse(remediation, readFile(remediation, rp, "the remediation file"),
                    rp.toAbsolutePath().getParent(), Context.baseDir().toAbsolutePath(), ids);
            for (RemediationConfig.Remediation r : remConfig.remediations()) {
                if (ruleList.stream().anyMatch(x -> x.id().equals(r.rule()) && x.accountLevel())) {
                    throw new InputException(Diagnostic.of("config", SourceSpan.at(r.file(), r.line(), r.column()),
                            "rule " + r.rule() + " is account-level (@resource AWS::::Account): there is no one resource to remediate",
                            "remediate the resources the account rule looks at through their own rules, or use gatehouse monitor actions"));
                }
            }
        }
        Remediator.Built built = Remediator.build(remConfig, env, line -> Context.err().println(line));

        List<ConfigResource> resources = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String in : inputs) {
            for (Map.Entry<String, String> f : expand(in)) {
                names.add(f.getKey());
                resources.addAll(ConfigInput.read(f.getKey(), f.getValue()));
            }
        }
        Compliance compliance = new Compliance(new Evaluator(), ruleList, params);
        ComplianceReport report = compliance.evaluate(resources, names);
        if (!remConfig.remediations().isEmpty()) {
            Store s = Store.open(Store.resolveUrl(store, storeEnv(), Store.projectRoot(Context.baseDir())), true);
            try (AuditLog log = AuditLog.open(s)) {
                Remediator rem = new Remediator(compliance, remConfig, built.actions(), log, actor(),
                        Remediator.defaultRefresher(this::readInputAgain, built.refresh()), Thread::sleep, Clock.systemUTC(),
                        name -> name.equals("<stdin>") ? name : Context.resolve(name).toAbsolutePath().normalize().toString());
                report = rem.remediate(report, resources, mode);
            }
        }
        Integer failed = write(report);
        if (failed != null) {
            return failed;
        }
        return report.nonCompliant() ? ExitCode.GATE_FAILED.code : ExitCode.OK.code;
    }

    private List<ComplianceRule> loadRules() {
        List<PackRule> all = new ArrayList<>();
        if (!noBuiltin) {
            all.addAll(RulePack.builtin());
        }
        for (String r : rules) {
            all.addAll(RulePack.loadPath(Context.resolve(r)));
        }
        if (all.isEmpty()) {
            throw usage("--rules", "no rules to evaluate", "give --rules FILE|DIR, or leave out --no-builtin");
        }
        Set<String> known = new LinkedHashSet<>();
        all.forEach(p -> known.add(p.id()));
        for (String id : only) {
            if (!known.contains(id)) {
                throw usage("--rule", "no loaded rule is called " + id, "see gatehouse scan --list-rules for the built-in ids");
            }
        }
        List<ComplianceRule> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (PackRule p : all) {
            if (!only.isEmpty() && !only.contains(p.id())) {
                continue;
            }
            if (!seen.add(p.id())) {
                throw usage(p.source(), "two rules are called " + p.id(), "rule ids must be unique across the built-in pack and --rules");
            }
            out.add(new ComplianceRule(p.id(), p.rule().title().equals(p.id()) ? "" : p.rule().title(), p.guardRule(), p.file(),
                    p.resourceTypes(), p.rule().remediation()));
        }
        return out;
    }

    /** A file, every *.json under a directory (sorted), or standard input. */
    private List<Map.Entry<String, String>> expand(String in) {
        if (in.equals("-")) {
            try {
                return List.of(Map.entry("<stdin>", new String(Context.in().readAllBytes(), StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw usage("<stdin>", "cannot read standard input: " + e.getMessage(), null);
            }
        }
        Path p = Context.resolve(in);
        if (Files.isDirectory(p)) {
            List<Map.Entry<String, String>> out = new ArrayList<>();
            try (Stream<Path> s = Files.walk(p)) {
                for (Path f : s.filter(x -> x.toString().endsWith(".json") && Files.isRegularFile(x)).sorted().toList()) {
                    String name = Path.of(in).resolve(p.relativize(f)).toString();
                    out.add(Map.entry(name, readFile(name, f, "an input file")));
                }
            } catch (IOException e) {
                throw usage(in, "cannot read: " + e.getMessage(), null);
            }
            if (out.isEmpty()) {
                throw usage(in, "no *.json files in this directory", "give the files of configuration items or describe output");
            }
            return out;
        }
        return List.of(Map.entry(in, readFile(in, p, "an input file")));
    }

    /** What the default refresher reads: the input file as it is now. */
    private String readInputAgain(String name) {
        if (name.equals("<stdin>")) {
            throw usage("<stdin>", "standard input cannot be read again to re-evaluate after remediation",
                    "give the configuration as a file, or a refresh command in the remediation file");
        }
        return readFile(name, Context.resolve(name), "an input file");
    }

    private static String readFile(String name, Path p, String what) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw usage(name, "no such file", "check the path of " + what);
        } catch (java.nio.charset.MalformedInputException e) {
            throw usage(name, "not a UTF-8 text file", what + " must be UTF-8 text");
        } catch (IOException | UncheckedIOException e) {
            throw usage(name, "cannot read: " + e.getMessage(), null);
        }
    }

    private Integer checkOutputs() {
        return gatehouse.cli.ReportOutput.check(formats, outputs, List.of("text", "json", "html"), "-f html -o compliance.html");
    }

    private Integer write(ComplianceReport report) {
        for (int i = 0; i < formats.size(); i++) {
            String text = switch (formats.get(i)) {
                case "json" -> ComplianceWriter.json(report);
                case "html" -> ComplianceWriter.html(report);
                default -> ComplianceWriter.text(report);
            };
            String out = i < outputs.size() ? outputs.get(i) : "-";
            if (out.equals("-")) {
                Context.out().print(text);
                Context.out().flush();
            } else {
                try {
                    Path p = Context.resolve(out);
                    if (p.toAbsolutePath().getParent() != null) {
                        Files.createDirectories(p.toAbsolutePath().getParent());
                    }
                    Files.writeString(p, text, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    Context.err().println("gatehouse: error: cannot write " + out + ": " + e.getMessage());
                    Context.err().println("  hint: check the --output path and its permissions");
                    return ExitCode.INPUT_ERROR.code;
                }
            }
        }
        return null;
    }

    private static Map<String, String> storeEnv() {
        Map<String, String> m = new LinkedHashMap<>();
        String s = env.apply("GATEHOUSE_STORE");
        if (s != null) {
            m.put("GATEHOUSE_STORE", s);
        }
        return m;
    }

    /** Who acts, as the pipeline names it: GATEHOUSE_ACTOR, the CI's user, else the local user. */
    static String actor() {
        for (String k : List.of("GATEHOUSE_ACTOR", "GITHUB_ACTOR", "GITLAB_USER_LOGIN", "BUILD_REQUESTEDFOR", "USER")) {
            String v = env.apply(k);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return System.getProperty("user.name", "unknown");
    }

    static InputException usage(String where, String message, String hint) {
        return new InputException(Diagnostic.of("usage", SourceSpan.at(where, 1, 1), message, hint));
    }
}
