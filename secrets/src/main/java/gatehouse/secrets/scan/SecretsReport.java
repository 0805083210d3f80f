package gatehouse.secrets.scan;

import gatehouse.core.finding.Decision;
import gatehouse.core.finding.Finding;
import gatehouse.core.finding.Location;
import gatehouse.core.finding.Rule;
import gatehouse.core.finding.ScanReport;
import gatehouse.core.finding.Severity;
import gatehouse.secrets.detect.Redact;
import gatehouse.secrets.detect.SecretMatch;
import gatehouse.secrets.rules.SecretRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns secret hits into the {@link ScanReport} every reporter renders. Nothing here carries a secret in clear:
 * messages and snippets hold {@link Redact redacted} forms, and the report has no source excerpts.
 */
public final class SecretsReport {
    /** Any unsuppressed secret fails a gate: each weighs this much. */
    public static final int RISK = 50;
    public static final String REMEDIATION = "Revoke and rotate the credential now: removing it from the code does not "
            + "remove it from git history. Load it from a secret manager or the environment instead. A false "
            + "positive can be allowed with a 'gatehouse:allow' comment on its line or recorded in a baseline "
            + "(gatehouse secrets baseline).";

    private SecretsReport() {}

    public static Rule rule(SecretRule r) {
        String title = r.description().isBlank() ? r.id() : r.description();
        return new Rule(r.id(), title, Severity.HIGH, RISK, "secrets/" + r.family(), "A credential in source code or "
                + "history can be read by anyone with access to the repository, its clones and its CI logs.",
                REMEDIATION, List.of(), "docs/secrets.md");
    }

    /** The location's file: the path, or {@code commit:<id>:message} for a commit message. */
    public static String file(SecretsScanner.Hit h) {
        if (h.origin().kind().equals("message") && !h.origin().commit().isEmpty()) {
            return "commit:" + shortId(h.origin().commit()) + ":message";
        }
        return h.match().path();
    }

    public static Finding finding(SecretsScanner.Hit h, Map<String, Rule> rules) {
        SecretMatch m = h.match();
        Rule rule = rules.computeIfAbsent(m.rule().id(), k -> rule(m.rule()));
        String message = m.secret().isEmpty() ? m.rule().description() + ": the file itself is sensitive"
                : (m.rule().description().isBlank() ? m.rule().id() : m.rule().description()) + ": " + Redact.secret(m.secret());
        Map<String, String> props = new LinkedHashMap<>();
        if (!h.origin().commit().isEmpty()) {
            props.put("commit", h.origin().commit());
            props.put("author", h.origin().author() + (h.origin().email().isEmpty() ? "" : " <" + h.origin().email() + ">"));
            props.put("date", h.origin().date());
        }
        props.put("confidence", m.confidence());
        if (!h.origin().kind().equals("file")) {
            props.put("found in", h.origin().kind());
        }
        Location loc = new Location(file(h), m.line(), m.column(), "", "");
        String snippet = m.redactedLine();
        if (snippet.length() > 300) {
            snippet = snippet.substring(0, 300) + "…";
        }
        return new Finding(rule, message, loc, snippet.strip(), "", m.fingerprint(), null, new java.util.LinkedHashMap<>(props));
    }

    /**
     * The report of a secrets scan.
     *
     * @param known fingerprints from a baseline: such hits are left out (counted in the decision's reason)
     */
    public static ScanReport report(String tool, String version, String root, Instant started, long millis,
                                    SecretsScanner.Result result, List<SecretRule> ruleSet, Set<String> known) {
        Map<String, Rule> rules = new TreeMap<>();
        for (SecretRule r : ruleSet) {
            rules.put(r.id(), rule(r));
        }
        List<Finding> findings = new ArrayList<>();
        int baselined = 0;
        for (SecretsScanner.Hit h : result.hits()) {
            if (known.contains(h.match().fingerprint())) {
                baselined++;
                continue;
            }
            findings.add(finding(h, rules));
        }
        int n = findings.size();
        String reason = n == 0 ? "no secrets found" : n + (n == 1 ? " secret" : " secrets") + " found: each one fails the gate";
        if (baselined > 0) {
            reason += " (" + baselined + " known from the baseline not shown)";
        }
        Decision d = new Decision(n == 0 ? Decision.Outcome.PASS : Decision.Outcome.FAIL, n * RISK, reason);
        List<String> errors = new ArrayList<>(result.errors());
        return new ScanReport(tool, version, root, started, millis, result.scanned(), new ArrayList<>(rules.values()),
                findings, errors, d, Map.of(), result.unit());
    }

    static String shortId(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }
}
