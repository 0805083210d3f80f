package gatehouse.pipeline.gate;

import gatehouse.core.finding.Decision;
import gatehouse.core.finding.ScanReport;
import gatehouse.iac.scan.ScanConfig;
import gatehouse.secrets.detect.Detector;
import gatehouse.secrets.rules.RuleSet;
import gatehouse.secrets.scan.SecretsReport;
import gatehouse.secrets.scan.SecretsScanner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The pipeline's secrets gate: every file under the paths (git-ignored ones skipped), with the rules and baseline
 * the project's configuration chooses, as {@code gatehouse scan} does ({@link SecretsInScan#rules},
 * {@link SecretsInScan#baseline}: {@code .gatehouse.yml}'s {@code secrets} section, else {@code .gitleaks.toml} or
 * Gatehouse's rules and {@code .gatehouse/secrets-baseline.json}). Any secret not in the baseline fails the gate: a leaked credential
 * is not a risk to weigh but a key to rotate.
 */
public final class SecretsGate {
    private SecretsGate() {}

    /** @param cfg the project's configuration, whose {@code secrets} section chooses rules and baseline */
    public static ScanReport scan(ScanConfig cfg, List<Path> targets, Instant started) {
        Path baseDir = cfg.baseDir();
        RuleSet rules = SecretsInScan.rules(cfg);
        Set<String> known = SecretsInScan.baseline(cfg);
        SecretsScanner scanner = new SecretsScanner(new Detector(rules), SecretsScanner.Options.defaults());
        List<SecretsScanner.Hit> hits = new ArrayList<>();
        List<String> scanned = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Path t : targets) {
            try {
                SecretsScanner.Result r = scanner.scanTree(t, false);
                String prefix = baseDir.relativize(t.toAbsolutePath().normalize()).toString().replace('\\', '/');
                for (SecretsScanner.Hit h : r.hits()) {
                    hits.add(prefix.isEmpty() ? h : relocate(h, prefix));
                }
                r.scanned().forEach(s -> scanned.add(prefix.isEmpty() ? s : prefix + "/" + s));
                errors.addAll(r.errors());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        SecretsScanner.Result all = new SecretsScanner.Result(hits, scanned, List.of(), errors, 0, scanned.size(), 0);
        ScanReport report = SecretsReport.report("gatehouse", "", baseDir.toString(), started,
                java.time.Duration.between(started, Instant.now()).toMillis(), all, rules.rules(), known);
        long active = report.active().size();
        Decision d = active == 0 ? new Decision(Decision.Outcome.PASS, 0, "no secrets found")
                : new Decision(Decision.Outcome.FAIL, report.decision().totalRisk(),
                        active + " secret" + (active == 1 ? "" : "s") + " found: rotate, then remove");
        return new ScanReport(report.tool(), report.version(), report.root(), report.started(), report.durationMillis(),
                report.files(), report.rules(), report.findings(), report.errors(), d, report.sources(), report.unit());
    }

    private static SecretsScanner.Hit relocate(SecretsScanner.Hit h, String prefix) {
        var m = h.match();
        return new SecretsScanner.Hit(new gatehouse.secrets.detect.SecretMatch(m.rule(), m.secret(), m.match(),
                prefix + "/" + m.path(), m.commit(), m.line(), m.column(), m.lineText(), m.confidence(), m.fingerprint()),
                h.origin());
    }
}
