package gatehouse.monitor.comply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compliance table as text (for terminals and CI logs), JSON (schema version 1, docs/comply.md) and one
 * self-contained HTML page (no external CSS, scripts or fonts). Output is deterministic: same report, same bytes.
 */
public final class ComplianceWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ComplianceWriter() {}

    /** Text: the table, then each non-compliant resource under its rule, then remediations and a summary. */
    public static String text(ComplianceReport r) {
        int w = "RULE".length();
        List<String> notApplicable = new ArrayList<>();
        for (RuleCompliance rc : r.rules()) {
            w = Math.max(w, rc.rule().length());
        }
        StringBuilder sb = new StringBuilder();
        String fmt = "%-" + w + "s  %-14s  %13s  %9s  %14s%n";
        sb.append(String.format(fmt, "RULE", "COMPLIANCE", "NON-COMPLIANT", "COMPLIANT", "NOT APPLICABLE"));
        for (RuleCompliance rc : r.rules()) {
            if (rc.compliance() == ComplianceType.NOT_APPLICABLE) {
                notApplicable.add(rc.rule()); // listed once below: a pack has many rules for types not in the input
                continue;
            }
            sb.append(String.format(fmt, rc.rule(), rc.compliance(), rc.count(ComplianceType.NON_COMPLIANT),
                    rc.count(ComplianceType.COMPLIANT), rc.count(ComplianceType.NOT_APPLICABLE)));
            for (ResourceEvaluation e : rc.evaluations()) {
                if (e.compliance() == ComplianceType.NON_COMPLIANT) {
                    sb.append("    NON_COMPLIANT ").append(e.resourceType()).append(' ').append(e.resourceId());
                    if (!e.annotation().isEmpty()) {
                        sb.append(": ").append(e.annotation());
                    }
                    sb.append('\n');
                }
            }
        }
        if (!notApplicable.isEmpty()) {
            sb.append("\nNOT APPLICABLE (no resource in scope): ").append(String.join(", ", notApplicable)).append('\n');
        }
        if (!r.remediations().isEmpty()) {
            sb.append("\nREMEDIATION\n");
            for (RemediationOutcome o : r.remediations()) {
                sb.append("    ").append(o.status()).append(' ').append(o.rule()).append(' ').append(o.resourceType()).append(' ')
                        .append(o.resourceId()).append(" via ").append(o.action());
                if (!o.attempts().isEmpty()) {
                    sb.append(": ").append(o.attempts().size()).append(o.attempts().size() == 1 ? " attempt (" : " attempts (")
                            .append(String.join("; ", o.attempts())).append(')');
                }
                sb.append('\n');
            }
        }
        sb.append('\n').append(summary(r)).append('\n');
        return sb.toString();
    }

    /**
     * {@code 3 rules over 7 resources: 1 non-compliant, 1 compliant, 1 not applicable}, then what remediation
     * did when it was configured ({@code ; remediation: 5 remediated, 1 manual}).
     */
    public static String summary(ComplianceReport r) {
        String rem = "";
        if (!r.remediations().isEmpty()) {
            java.util.Map<RemediationOutcome.Status, Long> n = new java.util.EnumMap<>(RemediationOutcome.Status.class);
            r.remediations().forEach(o -> n.merge(o.status(), 1L, Long::sum));
            List<String> parts = new ArrayList<>();
            n.forEach((s, c) -> parts.add(c + " " + s.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')));
            rem = "; remediation: " + String.join(", ", parts);
        }
        return r.rules().size() + (r.rules().size() == 1 ? " rule" : " rules") + " over " + r.resources()
                + (r.resources() == 1 ? " resource" : " resources") + ": " + r.rulesWith(ComplianceType.NON_COMPLIANT)
                + " non-compliant, " + r.rulesWith(ComplianceType.COMPLIANT) + " compliant, "
                + r.rulesWith(ComplianceType.NOT_APPLICABLE) + " not applicable" + rem;
    }

    /** The JSON report (docs/comply.md, "JSON report"). */
    public static String json(ComplianceReport r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("schemaVersion", ComplianceReport.SCHEMA_VERSION);
        root.put("tool", "gatehouse comply");
        root.put("inputs", r.inputs());
        root.put("resources", r.resources());
        Map<String, Object> sum = new LinkedHashMap<>();
        for (ComplianceType t : ComplianceType.values()) {
            sum.put(t.name(), r.rulesWith(t));
        }
        root.put("summary", sum);
        List<Object> rules = new ArrayList<>();
        for (RuleCompliance rc : r.rules()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", rc.rule());
            m.put("title", rc.title());
            m.put("compliance", rc.compliance().name());
            Map<String, Object> counts = new LinkedHashMap<>();
            for (ComplianceType t : ComplianceType.values()) {
                counts.put(t.name(), rc.count(t));
            }
            m.put("counts", counts);
            List<Object> evs = new ArrayList<>();
            for (ResourceEvaluation e : rc.evaluations()) {
                Map<String, Object> em = new LinkedHashMap<>();
                em.put("resourceType", e.resourceType());
                em.put("resourceId", e.resourceId());
                em.put("region", e.region());
                em.put("account", e.account());
                em.put("compliance", e.compliance().name());
                em.put("annotation", e.annotation());
                em.put("source", e.source() + (e.line() > 0 ? ":" + e.line() : ""));
                evs.add(em);
            }
            m.put("evaluations", evs);
            rules.add(m);
        }
        root.put("rules", rules);
        List<Object> rem = new ArrayList<>();
        for (RemediationOutcome o : r.remediations()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule", o.rule());
            m.put("resourceType", o.resourceType());
            m.put("resourceId", o.resourceId());
            m.put("action", o.action());
            m.put("status", o.status().name());
            m.put("attempts", o.attempts());
            m.put("complianceAfter", o.after() == null ? null : o.after().compliance().name());
            rem.add(m);
        }
        root.put("remediations", rem);
        try {
            return JSON.writeValueAsString(root).replace("\r\n", "\n") + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
            header{background:#24292f;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
            main{padding:16px 24px;max-width:1200px}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
            .card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;min-width:110px}.card b{display:block;font-size:22px}
            table{border-collapse:collapse;background:#fff;width:100%}td,th{border:1px solid #d0d7de;padding:4px 10px;text-align:left;vertical-align:top}
            .c{font-weight:700;font-size:12px;padding:1px 6px;border-radius:3px;white-space:nowrap}
            .NON_COMPLIANT,.FAILED{background:#ffebe9;color:#a40e26}.COMPLIANT,.REMEDIATED{background:#dafbe1;color:#116329}
            .NOT_APPLICABLE,.MANUAL,.NOT_RUN{background:#eaeef2;color:#57606a}details summary{cursor:pointer}
            ul{margin:4px 0;padding-left:18px}.mono{font-family:ui-monospace,monospace;font-size:12px}
            """;

    /** One self-contained HTML page. */
    public static String html(ComplianceReport r) {
        StringBuilder sb = new StringBuilder(8192);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Gatehouse compliance</title>\n<style>")
                .append(CSS).append("</style></head>\n<body>\n<header><h1>Gatehouse compliance</h1></header>\n<main>\n");
        sb.append("<p>").append(esc(summary(r))).append("</p>\n<div class=\"cards\">");
        for (ComplianceType t : ComplianceType.values()) {
            sb.append("<div class=\"card\"><b>").append(r.rulesWith(t)).append("</b>").append(t.name().toLowerCase().replace('_', '-'))
                    .append(" rules</div>");
        }
        sb.append("<div class=\"card\"><b>").append(r.resources()).append("</b>resources</div></div>\n");
        sb.append("<table>\n<tr><th>Rule</th><th>Compliance</th><th>Non-compliant</th><th>Compliant</th><th>Not applicable</th><th>Resources</th></tr>\n");
        for (RuleCompliance rc : r.rules()) {
            sb.append("<tr><td><b>").append(esc(rc.rule())).append("</b>");
            if (!rc.title().isEmpty()) {
                sb.append("<br>").append(esc(rc.title()));
            }
            sb.append("</td><td><span class=\"c ").append(rc.compliance().name()).append("\">").append(rc.compliance().name())
                    .append("</span></td><td>").append(rc.count(ComplianceType.NON_COMPLIANT)).append("</td><td>")
                    .append(rc.count(ComplianceType.COMPLIANT)).append("</td><td>").append(rc.count(ComplianceType.NOT_APPLICABLE))
                    .append("</td><td>");
            if (!rc.evaluations().isEmpty()) {
                sb.append("<details").append(rc.compliance() == ComplianceType.NON_COMPLIANT ? " open" : "").append("><summary>")
                        .append(rc.evaluations().size()).append(" evaluated</summary><ul>");
                for (ResourceEvaluation e : rc.evaluations()) {
                    sb.append("<li><span class=\"c ").append(e.compliance().name()).append("\">").append(e.compliance().name())
                            .append("</span> <span class=\"mono\">").append(esc(e.resourceType())).append(' ').append(esc(e.resourceId()))
                            .append("</span>");
                    if (!e.annotation().isEmpty()) {
                        sb.append(" — ").append(esc(e.annotation()));
                    }
                    sb.append("</li>");
                }
                sb.append("</ul></details>");
            }
            sb.append("</td></tr>\n");
        }
        sb.append("</table>\n");
        if (!r.remediations().isEmpty()) {
            sb.append("<h2>Remediation</h2>\n<table>\n<tr><th>Rule</th><th>Resource</th><th>Action</th><th>Status</th><th>Attempts</th></tr>\n");
            for (RemediationOutcome o : r.remediations()) {
                sb.append("<tr><td>").append(esc(o.rule())).append("</td><td class=\"mono\">").append(esc(o.resourceType())).append(' ')
                        .append(esc(o.resourceId())).append("</td><td>").append(esc(o.action())).append("</td><td><span class=\"c ")
                        .append(o.status().name()).append("\">").append(o.status().name()).append("</span></td><td><ul>");
                for (String a : o.attempts()) {
                    sb.append("<li>").append(esc(a)).append("</li>");
                }
                sb.append("</ul></td></tr>\n");
            }
            sb.append("</table>\n");
        }
        sb.append("</main>\n</body></html>\n");
        return sb.toString();
    }

    static String esc(String s) {
        return gatehouse.core.report.Markup.escape(s);
    }
}
