package gatehouse.iac.scan;

import gatehouse.core.InputException;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.core.exec.OrderedParallel;
import gatehouse.core.finding.Decision;
import gatehouse.core.finding.Finding;
import gatehouse.core.finding.Location;
import gatehouse.core.finding.Rule;
import gatehouse.core.finding.ScanReport;
import gatehouse.core.finding.Severity;
import gatehouse.core.finding.Suppression;
import gatehouse.guard.ast.RulesFile;
import gatehouse.guard.eval.ClauseFailure;
import gatehouse.guard.eval.Evaluator;
import gatehouse.guard.eval.FileEvaluation;
import gatehouse.guard.eval.GuardEvaluationException;
import gatehouse.guard.eval.PreparedDocument;
import gatehouse.guard.eval.RuleResult;
import gatehouse.guard.eval.Status;
import gatehouse.iac.load.DocumentLoader;
import gatehouse.iac.pack.PackRule;
import gatehouse.iac.resolve.IntrinsicResolver;
import gatehouse.iac.resolve.IntrinsicResolver.ParameterValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code gatehouse scan}: finds CloudFormation templates (JSON/YAML, SAM, CDK output) under the given
 * paths, resolves their intrinsics statically, evaluates the rule pack and user rules, applies
 * suppressions and waivers, and decides the gate. Input errors are collected per file; the scan goes on.
 */
public final class Scanner {
    /** The rule that reports a waiver past its expiry date. */
    public static final Rule EXPIRED_WAIVER = new Rule("GH-WAIVER-001", "A waiver in .gatehouse.yml has expired",
            Severity.MEDIUM, 8, "config", "An accepted risk was accepted for a limited time; that time is over, so the "
            + "findings it covered count again.", "Fix the findings, or renew the waiver with a new expiry date and a reason.",
            List.of(), "docs/configuration.md#waivers");

    private final ScanConfig config;
    private final List<PackRule> rules;
    private final Map<String, ParameterValue> cliParameters;
    private final String cliParameterSource;
    private final Clock clock;
    private final Evaluator evaluator;
    private final Map<String, PathMatcher> globs = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Path, Map<String, ParameterValue>> parameterFiles = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param rules         the rules to run (already filtered by configuration)
     * @param cliParameters parameter values given on the command line (apply to every template)
     */
    public Scanner(ScanConfig config, List<PackRule> rules, Map<String, ParameterValue> cliParameters,
                   String cliParameterSource, Clock clock) {
        this.config = config;
        this.rules = List.copyOf(rules);
        this.cliParameters = Map.copyOf(cliParameters);
        this.cliParameterSource = cliParameterSource;
        this.clock = clock;
        this.evaluator = new Evaluator(clock);
    }

    /** What one template yielded. */
    private record FileResult(String file, List<Finding> findings, List<String> errors, String text, boolean template) {}

    /**
     * Scans {@code paths}.
     *
     * @param explicitFiles paths the user named directly: a file that is not CloudFormation is then an error
     * @param progress      receives "n/total file" as files finish (for a terminal progress line)
     */
    public ScanReport scan(Path root, List<Path> paths, Consumer<String> progress) {
        Instant started = clock.instant();
        long t0 = System.nanoTime();
        List<String> errors = new ArrayList<>();
        List<Target> targets = discover(root, paths, errors);
        List<Finding> findings = new ArrayList<>();
        List<String> files = new ArrayList<>();
        Map<String, String> sources = new LinkedHashMap<>();
        int[] done = {0};
        OrderedParallel.run(targets, OrderedParallel.defaultThreads(), this::scanFile, r -> {
            done[0]++;
            if (progress != null) {
                progress.accept(done[0] + "/" + targets.size() + " " + r.file());
            }
            if (r.template()) {
                files.add(r.file());
            }
            errors.addAll(r.errors());
            findings.addAll(r.findings());
            if (!r.findings().isEmpty()) {
                sources.put(r.file(), r.text());
            }
            return true;
        });
        findings.addAll(expiredWaivers());
        findings.sort(Comparator.comparing((Finding f) -> f.location().file()).thenComparingInt(f -> f.location().line())
                .thenComparing(f -> f.rule().id()).thenComparing(f -> f.location().path()));
        List<Rule> ruleList = rules.stream().map(PackRule::rule).sorted(Comparator.comparing(Rule::id)).toList();
        return new ScanReport("gatehouse", Scanner.class.getPackage().getImplementationVersion() == null ? "dev"
                : Scanner.class.getPackage().getImplementationVersion(), root.toString(), started,
                (System.nanoTime() - t0) / 1_000_000, files, ruleList, findings, errors, decide(findings), sources);
    }

    // ------------------------------------------------------------------ discovery

    /** A compiled glob, compiled once per scanner (matched per file and per finding). */
    private PathMatcher glob(String pattern) {
        return globs.computeIfAbsent(pattern, g -> FileSystems.getDefault().getPathMatcher("glob:" + g));
    }

    private record Target(Path path, String rel, boolean explicit) {}

    private static final Set<String> EXTENSIONS = Set.of(".json", ".yaml", ".yml", ".template");

    private List<Target> discover(Path root, List<Path> paths, List<String> errors) {
        List<PathMatcher> include = config.include().stream().map(this::glob).toList();
        List<PathMatcher> exclude = config.exclude().stream().map(this::glob).toList();
        Set<Path> seen = new LinkedHashSet<>();
        List<Target> out = new ArrayList<>();
        for (Path p : paths) {
            if (!Files.exists(p)) {
                errors.add(p + ":0:0: error: no such file or directory");
                continue;
            }
            if (Files.isRegularFile(p)) {
                Path abs = p.toAbsolutePath().normalize();
                if (seen.add(abs)) {
                    out.add(new Target(p, rel(root, p), true));
                }
                continue;
            }
            try (Stream<Path> walk = Files.walk(p)) {
                for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                    String name = f.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
                    int dot = name.lastIndexOf('.');
                    if (dot < 0 || !EXTENSIONS.contains(name.substring(dot))) {
                        continue;
                    }
                    String rel = rel(root, f);
                    Path relPath = Path.of("./" + rel);
                    if (exclude.stream().anyMatch(m -> m.matches(relPath))) {
                        continue;
                    }
                    if (!include.isEmpty() && include.stream().noneMatch(m -> m.matches(Path.of(rel)) || m.matches(relPath))) {
                        continue;
                    }
                    if (seen.add(f.toAbsolutePath().normalize())) {
                        out.add(new Target(f, rel, false));
                    }
                }
            } catch (IOException e) {
                errors.add(p + ":0:0: error: cannot read directory: " + e.getMessage());
            }
        }
        return out;
    }

    private static String rel(Path root, Path p) {
        Path a = p.toAbsolutePath().normalize();
        Path r = root.toAbsolutePath().normalize();
        String s = a.startsWith(r) ? r.relativize(a).toString() : p.toString();
        return s.isEmpty() ? p.getFileName().toString() : s.replace('\\', '/');
    }

    /** A document is CloudFormation when it has a Resources map of typed resources or a format version. */
    public static boolean isCloudFormation(Value v) {
        if (!(v instanceof MapValue m)) {
            return false;
        }
        if (m.get("AWSTemplateFormatVersion") != null) {
            return true;
        }
        if (m.get("Resources") instanceof MapValue res && !res.isEmpty()) {
            for (Value r : res.entries().values()) {
                if (!(r instanceof MapValue rm) || !(rm.get("Type") instanceof StringValue t) || !t.value().contains("::")) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ one file

    private FileResult scanFile(Target t) {
        String text;
        try {
            text = new String(Files.readAllBytes(t.path()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new FileResult(t.rel(), List.of(), List.of(t.rel() + ":0:0: error: cannot read: " + e.getMessage()), "", false);
        }
        Value template;
        try {
            template = DocumentLoader.defaults().load(t.rel(), text);
        } catch (InputException e) {
            boolean looksLikeCfn = t.explicit() || text.contains("AWSTemplateFormatVersion") || text.contains("AWS::");
            return new FileResult(t.rel(), List.of(), looksLikeCfn ? List.of(e.diagnostics().get(0).headline()) : List.of(), "", false);
        }
        if (!isCloudFormation(template)) {
            return new FileResult(t.rel(), List.of(), t.explicit() ? List.of(t.rel()
                    + ":1:1: error: not a CloudFormation template (no Resources with Type, no AWSTemplateFormatVersion)")
                    : List.of(), "", false);
        }
        try {
            IntrinsicResolver resolver = new IntrinsicResolver(parametersFor(t.rel()), Map.of());
            List<String> keyedSecrets = Redaction.secretValues(template, null, new ArrayList<>(), 0);
            List<Finding> findings = Redaction.redactFindings(evaluate(t.rel(), text, template, resolver), keyedSecrets);
            return new FileResult(t.rel(), findings, List.of(), Redaction.redactSecrets(text, template, findings, keyedSecrets), true);
        } catch (GuardEvaluationException e) {
            return new FileResult(t.rel(), List.of(), List.of(e.diagnostics().get(0).headline() + " (evaluating " + t.rel() + ")"),
                    text, true);
        } catch (InputException e) {
            return new FileResult(t.rel(), List.of(), List.of(e.diagnostics().get(0).headline()), text, true);
        }
    }

    private Map<String, ParameterValue> parametersFor(String rel) {
        Map<String, ParameterValue> out = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : config.parameterFiles().entrySet()) {
            if (glob(e.getKey()).matches(Path.of(rel))) {
                // each file is read once for all the templates it applies to; a failed read is not cached
                out.putAll(parameterFiles.computeIfAbsent(e.getValue(), ParameterFile::load));
            }
        }
        out.putAll(cliParameters);
        return out;
    }

    /** Evaluates every rule on every resolved variant of {@code template}; findings deduplicated by rule and path. */
    public List<Finding> evaluate(String file, String text, Value template, IntrinsicResolver resolver) {
        String[] lines = text.split("\n", -1);
        Map<String, Finding> out = new LinkedHashMap<>();
        for (Variants.Variant variant : Variants.of(template, resolver, config.parameters())) {
            PreparedDocument doc = evaluator.prepare(variant.document());
            Map<RulesFile, FileEvaluation> byFile = new IdentityHashMap<>();
            for (PackRule pr : rules) {
                FileEvaluation ev = byFile.computeIfAbsent(pr.file(), f -> evaluator.evaluate(f, doc));
                for (RuleResult rr : ev.rules()) {
                    if (!rr.name().equals(pr.guardRule()) || rr.status() != Status.FAIL) {
                        continue;
                    }
                    Rule rule = effective(pr.rule());
                    if (rr.failures().isEmpty()) {
                        Finding f = finding(rule, file, lines, template, null, rr.name() + " failed", variant);
                        out.putIfAbsent(rule.id() + "\0", f);
                    }
                    // one finding per offending element (a list entry such as one ingress rule, or the
                    // resource): located at the most specific path, worded by the author's message if any
                    Map<String, List<ClauseFailure>> byElement = new LinkedHashMap<>();
                    for (ClauseFailure cf : rr.failures()) {
                        byElement.computeIfAbsent(element(templatePath(cf)), k -> new ArrayList<>()).add(cf);
                    }
                    for (Map.Entry<String, List<ClauseFailure>> e : byElement.entrySet()) {
                        ClauseFailure where = e.getValue().stream().max(Comparator.comparingInt(cf -> pathOf(cf).length())).orElseThrow();
                        ClauseFailure why = e.getValue().stream().filter(cf -> cf.customMessage() != null && !cf.customMessage().isBlank())
                                .findFirst().orElse(null);
                        Finding f = finding(rule, file, lines, template, where, why == null ? rule.title() : message(why), variant);
                        out.putIfAbsent(rule.id() + "\0" + e.getKey(), f);
                    }
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    private Rule effective(Rule r) {
        Severity s = config.severities().getOrDefault(r.id(), r.severity());
        int risk = config.risks().getOrDefault(r.id(), s == r.severity() ? r.risk()
                : gatehouse.iac.pack.RulePack.DEFAULT_RISK.get(s));
        return s == r.severity() && risk == r.risk() ? r
                : new Rule(r.id(), r.title(), s, risk, r.family(), r.rationale(), r.remediation(), r.references(), r.helpUri());
    }

    private Finding finding(Rule rule, String file, String[] lines, Value template, ClauseFailure cf, String fallback,
                            Variants.Variant variant) {
        Value at = cf == null ? null : cf.actual() != null ? cf.actual() : cf.traversedTo();
        String path = cf == null ? "" : templatePath(cf);
        String resource = resourceOf(path);
        int line = at == null ? 0 : Math.max(0, at.position().line());
        int col = at == null || line == 0 ? 0 : at.position().column() + 1;
        if (line == 0 && !resource.isEmpty() && template instanceof MapValue m && m.get("Resources") instanceof MapValue res) {
            line = Math.max(0, res.keyPosition(resource).line());
            col = line == 0 ? 0 : res.keyPosition(resource).column() + 1;
        }
        String shownResource = resource;
        if (!resource.isEmpty() && template instanceof MapValue m && m.get("Resources") instanceof MapValue res
                && res.get(resource) instanceof MapValue rv && rv.get("Metadata") instanceof MapValue md
                && md.get("aws:cdk:path") instanceof StringValue cdk) {
            shownResource = resource + " (" + cdk.value() + ")";
        }
        String message = fallback;
        String provenance = provenance(variant, path);
        String snippet = line > 0 && line <= lines.length ? lines[line - 1].stripTrailing() : "";
        if (rule.family().equals("secrets") && cf != null && cf.actual() instanceof StringValue sv) {
            snippet = Redaction.redact(snippet, sv.value());
            message = Redaction.redact(message, sv.value());
        }
        Finding f = new Finding(rule, message, new Location(file, line, col, shownResource, path), snippet, provenance,
                fingerprint(rule.id(), file, resource, path), null);
        Suppression s = suppression(rule, template, resource, file);
        return s == null ? f : f.withSuppression(s);
    }

    private static String pathOf(ClauseFailure cf) {
        Value at = cf.actual() != null ? cf.actual() : cf.traversedTo();
        return at == null ? "" : at.path();
    }

    /** The offending value's path in the template: one under {@code Gatehouse.original} maps back to the template's own. */
    private static String templatePath(ClauseFailure cf) {
        String p = pathOf(cf);
        return p.startsWith(ORIGINAL) ? p.substring(ORIGINAL.length()) : p;
    }

    private static final String ORIGINAL = "/Gatehouse/original";

    private static String message(ClauseFailure cf) {
        if (cf.customMessage() != null && !cf.customMessage().isBlank()) {
            StringBuilder sb = new StringBuilder();
            for (String l : cf.customMessage().strip().split("\n")) {
                String s = l.strip();
                if (s.isEmpty() || s.startsWith("[FIX]") || s.startsWith("Fix:")) {
                    continue;
                }
                sb.append(sb.length() == 0 ? "" : " ").append(s.startsWith("Violation:") ? s.substring(10).strip() : s);
            }
            if (sb.length() > 0) {
                return sb.toString();
            }
        }
        return cf.reason();
    }

    private static String provenance(Variants.Variant variant, String path) {
        String best = null;
        String bestKey = "";
        for (Map.Entry<String, String> e : variant.provenance().entrySet()) {
            String k = e.getKey();
            if ((path.equals(k) || path.startsWith(k + "/")) && k.length() > bestKey.length()) {
                best = e.getValue();
                bestKey = k;
            }
        }
        if (best == null) {
            return variant.label().isEmpty() ? "" : "in the " + variant.label();
        }
        return "via " + best;
    }

    /**
     * The element a path belongs to: up to and including the first list index after the resource's
     * {@code Properties} (e.g. {@code /Resources/SG/Properties/SecurityGroupIngress/0}), else the resource.
     */
    static String element(String path) {
        String[] parts = path.split("/", -1);
        if (parts.length < 3 || !parts[1].equals("Resources")) {
            return path;
        }
        StringBuilder sb = new StringBuilder("/Resources/").append(parts[2]);
        for (int i = 3; i < parts.length; i++) {
            sb.append('/').append(parts[i]);
            if (!parts[i].isEmpty() && parts[i].chars().allMatch(Character::isDigit)) {
                return sb.toString();
            }
        }
        return "/Resources/" + parts[2];
    }

    static String resourceOf(String path) {
        if (!path.startsWith("/Resources/")) {
            return "";
        }
        int end = path.indexOf('/', "/Resources/".length());
        return end < 0 ? path.substring("/Resources/".length()) : path.substring("/Resources/".length(), end);
    }

    static String fingerprint(String rule, String file, String resource, String path) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            // the resource-relative path survives line moves; the file keeps two templates' resources apart
            byte[] h = d.digest((rule + "\0" + file + "\0" + resource + "\0" + path).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ suppressions and waivers

    private Suppression suppression(Rule rule, Value template, String resource, String file) {
        if (!resource.isEmpty() && template instanceof MapValue m && m.get("Resources") instanceof MapValue res
                && res.get(resource) instanceof MapValue rv && rv.get("Metadata") instanceof MapValue md) {
            Suppression s = metadataSuppression(rule, md);
            if (s != null) {
                return s;
            }
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        for (ScanConfig.Waiver w : config.waivers()) {
            if (!w.rule().equals(rule.id())) {
                continue;
            }
            if (!w.file().isEmpty() && !glob(w.file()).matches(Path.of(file))) {
                continue;
            }
            if (!w.resource().isEmpty() && !w.resource().equals(resource)) {
                continue;
            }
            if (w.expires() != null && w.expires().isBefore(today)) {
                continue;
            }
            return new Suppression("waiver", w.declaredAt(), w.reason()
                    + (w.expires() == null ? "" : " (until " + w.expires() + ")"));
        }
        return null;
    }

    private static Suppression metadataSuppression(Rule rule, MapValue md) {
        if (md.get("cfn-guard") instanceof MapValue g && g.get("SuppressedRules") instanceof ListValue l) {
            for (Value v : l.elements()) {
                if (v instanceof StringValue s && matches(rule, s.value())) {
                    return new Suppression("metadata", "cfn-guard", "SuppressedRules");
                }
            }
        }
        Suppression s = listed(rule, md.get("cfn_nag") instanceof MapValue n ? n.get("rules_to_suppress") : null, "cfn_nag", "reason");
        if (s == null) {
            s = listed(rule, md.get("checkov") instanceof MapValue c ? c.get("skip") : null, "checkov", "comment");
        }
        if (s == null) {
            s = listed(rule, md.get("gatehouse") instanceof MapValue c ? c.get("suppress") : null, "gatehouse", "reason");
        }
        return s;
    }

    private static Suppression listed(Rule rule, Value list, String source, String reasonKey) {
        if (!(list instanceof ListValue l)) {
            return null;
        }
        for (Value v : l.elements()) {
            if (v instanceof MapValue e && e.get("id") instanceof StringValue id && matches(rule, id.value())) {
                String reason = e.get(reasonKey) instanceof StringValue r ? r.value() : "";
                return new Suppression("metadata", source, reason);
            }
        }
        return null;
    }

    private static boolean matches(Rule rule, String id) {
        return id.equals(rule.id()) || id.equals(rule.title());
    }

    private List<Finding> expiredWaivers() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        List<Finding> out = new ArrayList<>();
        for (ScanConfig.Waiver w : config.waivers()) {
            if (w.expires() != null && w.expires().isBefore(today)) {
                String at = w.declaredAt();
                int colon = at.lastIndexOf(':');
                String file = rel(config.baseDir(), Path.of(at.substring(0, colon)));
                int line = Integer.parseInt(at.substring(colon + 1));
                out.add(new Finding(EXPIRED_WAIVER, "the waiver of " + w.rule() + " (" + w.reason() + ") expired on "
                        + w.expires(), new Location(file, line, 1, w.resource(), ""), "", "",
                        fingerprint(EXPIRED_WAIVER.id(), file, w.rule(), w.resource()), null));
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ gate

    /** PASS / NEEDS_APPROVAL / FAIL from the active findings' risk and severity. */
    public Decision decide(List<Finding> findings) {
        List<Finding> active = findings.stream().filter(f -> !f.suppressed()).toList();
        int total = active.stream().mapToInt(f -> f.rule().risk()).sum();
        if (config.failOn() != null) {
            for (Finding f : active) {
                if (f.rule().severity().ordinal() <= config.failOn().ordinal()) {
                    return new Decision(Decision.Outcome.FAIL, total, "a " + f.rule().severity().label() + " finding ("
                            + f.rule().id() + ") fails the gate; total risk " + total);
                }
            }
        }
        if (total >= config.failAt()) {
            return new Decision(Decision.Outcome.FAIL, total, "total risk " + total + " >= fail_at " + config.failAt());
        }
        if (total >= config.approvalAt()) {
            return new Decision(Decision.Outcome.NEEDS_APPROVAL, total, "total risk " + total + " >= approval_at "
                    + config.approvalAt() + " (below fail_at " + config.failAt() + ")");
        }
        return new Decision(Decision.Outcome.PASS, total, active.isEmpty() ? "no findings"
                : "total risk " + total + " < approval_at " + config.approvalAt());
    }
}
