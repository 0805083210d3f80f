package gatehouse.pipeline.gate;

import gatehouse.core.finding.Finding;
import gatehouse.core.finding.Location;
import gatehouse.core.finding.Rule;
import gatehouse.core.finding.ScanReport;
import gatehouse.iac.scan.ScanConfig;
import gatehouse.iac.scan.Scanner;
import gatehouse.secrets.detect.Detector;
import gatehouse.secrets.rules.GitleaksConfig;
import gatehouse.secrets.rules.RuleSet;
import gatehouse.secrets.scan.Baseline;
import gatehouse.secrets.scan.SecretsReport;
import gatehouse.secrets.scan.SecretsScanner;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code gatehouse scan} also looks for secrets in every file it is pointed at (not only templates): the same
 * detector, rules and baseline as {@code gatehouse secrets scan}, git-ignored files and the configuration's
 * {@code exclude} globs skipped. Secret findings join the template findings in one report and one gate decision;
 * each is high severity with risk 50, so with the default thresholds any secret fails the scan.
 */
public final class SecretsInScan {
    private SecretsInScan() {}

    /** The secret rules a project uses: {@code secrets.rules} of its configuration, else its {@code .gitleaks.toml}, else Gatehouse's. */
    public static RuleSet rules(ScanConfig cfg) {
        Path configured = cfg.secrets().rules();
        return configured != null ? new GitleaksConfig(cfg.baseDir()).load(configured) : GitleaksConfig.forProject(cfg.baseDir());
    }

    /** The fingerprints a project has accepted: {@code secrets.baseline} of its configuration, else its default baseline. */
    public static Set<String> baseline(ScanConfig cfg) {
        Path configured = cfg.secrets().baseline();
        return Baseline.readIfPresent(configured != null ? configured : cfg.baseDir().resolve(Baseline.PROJECT_FILE));
    }

    /** {@code report} with the secrets found in {@code targets} added, and the decision taken again on all. */
    public static ScanReport merge(ScanReport report, Scanner scanner, ScanConfig cfg, Path cwd, List<Path> targets,
                                   java.util.function.Consumer<String> progress) {
        RuleSet rules = rules(cfg);
        Set<String> known = baseline(cfg);
        List<PathMatcher> exclude = cfg.exclude().stream()
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        SecretsScanner secrets = new SecretsScanner(new Detector(rules), new SecretsScanner.Options(16L << 20,
                Math.max(1, Runtime.getRuntime().availableProcessors()), progress == null ? null
                        : p -> progress.accept("secrets " + p)));
        Map<String, Rule> ruleIndex = new TreeMap<>();
        List<Finding> found = new ArrayList<>();
        List<String> errors = new ArrayList<>(report.errors());
        Set<Path> done = new LinkedHashSet<>();
        for (Path target : targets) {
            Path abs = target.toAbsolutePath().normalize();
            if (!Files.exists(abs) || !done.add(abs)) {
                continue; // the template scan already reported a missing path
            }
            Path base = Files.isDirectory(abs) ? abs : abs.getParent();
            SecretsScanner.Result result;
            try {
                result = secrets.scanTree(abs, false, rel -> {
                    Path r = Path.of("./" + rel(cwd, base.resolve(rel)));
                    return exclude.stream().noneMatch(m -> m.matches(r));
                });
            } catch (IOException e) {
                errors.add(target + ":0:0: error: cannot scan for secrets: " + e.getMessage());
                continue;
            }
            errors.addAll(result.errors());
            for (SecretsScanner.Hit h : result.hits()) {
                if (known.contains(h.match().fingerprint())) {
                    continue;
                }
                Finding f = SecretsReport.finding(h, ruleIndex);
                Location l = f.location();
                found.add(new Finding(f.rule(), f.message(), new Location(rel(cwd, base.resolve(l.file())), l.line(),
                        l.column(), l.resource(), l.path()), f.snippet(), f.provenance(), f.fingerprint(), f.suppression(),
                        f.properties()));
            }
        }
        if (found.isEmpty() && errors.size() == report.errors().size()) {
            return report;
        }
        List<Finding> all = new ArrayList<>(report.findings());
        all.addAll(found);
        all.sort(Comparator.comparing((Finding f) -> f.location().file()).thenComparingInt(f -> f.location().line())
                .thenComparingInt(f -> f.location().column()).thenComparing(f -> f.rule().id()));
        List<Rule> allRules = new ArrayList<>(report.rules());
        Set<String> ids = new java.util.HashSet<>();
        allRules.forEach(r -> ids.add(r.id()));
        ruleIndex.values().stream().filter(r -> ids.add(r.id())).forEach(allRules::add);
        allRules.sort(Comparator.comparing(Rule::id));
        return new ScanReport(report.tool(), report.version(), report.root(), report.started(), report.durationMillis(),
                report.files(), allRules, all, errors, scanner.decide(all), report.sources(), report.unit());
    }

    private static String rel(Path cwd, Path p) {
        Path a = p.toAbsolutePath().normalize();
        String s = a.startsWith(cwd) ? cwd.relativize(a).toString() : a.toString();
        return s.isEmpty() ? a.getFileName().toString() : s.replace('\\', '/');
    }
}
