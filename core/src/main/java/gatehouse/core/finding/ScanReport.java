package gatehouse.core.finding;

import java.time.Instant;
import java.util.List;

/**
 * Everything one scan produced, as every reporter renders it.
 *
 * @param tool       tool name and version
 * @param root       the scanned root, as given
 * @param files      files scanned (relative paths), in order
 * @param rules      every rule that ran, in id order
 * @param findings   findings in file, line, rule order (suppressed ones included)
 * @param errors     input errors (one line each, {@code file:line:col: error: msg}); the scan went on
 * @param decision   the gate's verdict
 * @param sources    file → text, for excerpts in reports (only the files that have findings)
 * @param unit       what {@code files} counts, singular ("template", "file", "commit"), for the summary line
 */
public record ScanReport(String tool, String version, String root, Instant started, long durationMillis,
                         List<String> files, List<Rule> rules, List<Finding> findings, List<String> errors,
                         Decision decision, java.util.Map<String, String> sources, String unit) {
    public ScanReport(String tool, String version, String root, Instant started, long durationMillis,
                      List<String> files, List<Rule> rules, List<Finding> findings, List<String> errors,
                      Decision decision, java.util.Map<String, String> sources) {
        this(tool, version, root, started, durationMillis, files, rules, findings, errors, decision, sources, "template");
    }

    /** "1 template", "3 files", "0 commits". */
    public String count() {
        return files.size() + " " + unit + (files.size() == 1 ? "" : "s");
    }

    public ScanReport {
        unit = unit == null || unit.isBlank() ? "template" : unit;
        files = List.copyOf(files);
        rules = List.copyOf(rules);
        findings = List.copyOf(findings);
        errors = List.copyOf(errors);
        sources = java.util.Map.copyOf(sources);
    }

    /** Findings that count (not suppressed). */
    public List<Finding> active() {
        return findings.stream().filter(f -> !f.suppressed()).toList();
    }
}
