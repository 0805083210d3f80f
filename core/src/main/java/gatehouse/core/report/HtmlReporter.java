package gatehouse.core.report;

import static gatehouse.core.report.Markup.escape;

import gatehouse.core.finding.Finding;
import gatehouse.core.finding.ScanReport;
import gatehouse.core.finding.Severity;
import java.io.IOException;
import java.io.Writer;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One self-contained HTML file (no external CSS, scripts or fonts): the decision, counts by severity and
 * by family, a filter box and severity toggles, and each finding with its code excerpt and fix.
 */
public final class HtmlReporter implements Reporter {
    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
            header{background:#24292f;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px}
            main{padding:16px 24px;max-width:1200px}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
            .card{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:10px 14px;min-width:110px}
            .card b{display:block;font-size:22px}.decision{font-weight:700;padding:2px 8px;border-radius:4px}
            .PASS{background:#dafbe1;color:#116329}.NEEDS_APPROVAL{background:#fff8c5;color:#7d4e00}.FAIL{background:#ffebe9;color:#a40e26}
            .sev{font-size:12px;font-weight:700;text-transform:uppercase;padding:1px 6px;border-radius:3px;color:#fff}
            .critical{background:#8b0000}.high{background:#cf222e}.medium{background:#bf8700}.low{background:#0969da}.info{background:#6e7781}
            .f{background:#fff;border:1px solid #d0d7de;border-radius:6px;margin:10px 0;padding:10px 14px}
            .f.sup{opacity:.6}.loc{color:#57606a;font-family:ui-monospace,monospace;font-size:12px}
            pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:4px;padding:8px;overflow:auto;font-size:12px}
            .filters{display:flex;gap:10px;align-items:center;margin:12px 0}input[type=search]{padding:6px;width:320px}
            table{border-collapse:collapse;background:#fff}td,th{border:1px solid #d0d7de;padding:4px 10px;text-align:left}
            """;
    private static final String JS = """
            function apply(){var q=document.getElementById('q').value.toLowerCase();
            var on={};document.querySelectorAll('.sevbox').forEach(function(b){on[b.value]=b.checked});
            document.querySelectorAll('.f').forEach(function(f){var ok=on[f.dataset.sev]&&f.textContent.toLowerCase().indexOf(q)>=0;
            f.style.display=ok?'':'none'})}
            """;

    @Override
    public void write(ScanReport r, Writer out) throws IOException {
        Map<Severity, Integer> bySev = new EnumMap<>(Severity.class);
        Map<String, Integer> byFamily = new TreeMap<>();
        for (Finding f : r.active()) {
            bySev.merge(f.rule().severity(), 1, Integer::sum);
            byFamily.merge(f.rule().family(), 1, Integer::sum);
        }
        StringBuilder sb = new StringBuilder(8192);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Gatehouse scan — ")
                .append(escape(r.decision().outcome().name())).append("</title>\n<style>").append(CSS).append("</style></head>\n<body>\n");
        sb.append("<header><h1>Gatehouse scan of ").append(escape(r.root())).append("</h1></header>\n<main>\n");
        sb.append("<p>Decision: <span class=\"decision ").append(r.decision().outcome().name()).append("\">")
                .append(escape(r.decision().outcome().name())).append("</span> — ").append(escape(r.decision().reason())).append("</p>\n");
        sb.append("<div class=\"cards\">");
        card(sb, r.unit() + "s", r.files().size());
        card(sb, "rules", r.rules().size());
        card(sb, "findings", r.active().size());
        card(sb, "total risk", r.decision().totalRisk());
        for (Severity s : Severity.values()) {
            card(sb, s.label(), bySev.getOrDefault(s, 0));
        }
        sb.append("</div>\n");
        if (!byFamily.isEmpty()) {
            sb.append("<table><tr><th>family</th><th>findings</th></tr>");
            byFamily.forEach((k, v) -> sb.append("<tr><td>").append(escape(k)).append("</td><td>").append(v).append("</td></tr>"));
            sb.append("</table>\n");
        }
        if (!r.errors().isEmpty()) {
            sb.append("<h2>Input errors</h2><pre>");
            r.errors().forEach(e -> sb.append(escape(e)).append('\n'));
            sb.append("</pre>\n");
        }
        sb.append("<div class=\"filters\"><input type=\"search\" id=\"q\" placeholder=\"filter findings\" oninput=\"apply()\">");
        for (Severity s : Severity.values()) {
            sb.append("<label><input type=\"checkbox\" class=\"sevbox\" value=\"").append(s.label())
                    .append("\" checked onchange=\"apply()\"> ").append(s.label()).append("</label>");
        }
        sb.append("</div>\n");
        for (Finding f : r.findings()) {
            var l = f.location();
            sb.append("<div class=\"f").append(f.suppressed() ? " sup" : "").append("\" data-sev=\"").append(f.rule().severity().label())
                    .append("\"><span class=\"sev ").append(f.rule().severity().label()).append("\">")
                    .append(f.rule().severity().label()).append("</span> <b>").append(escape(f.rule().id())).append("</b> ")
                    .append(escape(f.rule().title())).append(f.suppressed() ? " <i>(suppressed)</i>" : "").append("<div class=\"loc\">")
                    .append(escape(l.file() + ":" + l.line() + ":" + l.column()))
                    .append(l.resource().isEmpty() ? "" : " — " + escape(l.resource())).append("</div><p>").append(escape(f.message()))
                    .append("</p>");
            if (!f.provenance().isEmpty()) {
                sb.append("<p class=\"loc\">value ").append(escape(f.provenance())).append("</p>");
            }
            for (var prop : f.properties().entrySet()) {
                sb.append("<p class=\"loc\">").append(escape(prop.getKey())).append(": ").append(escape(prop.getValue()))
                        .append("</p>");
            }
            String excerpt = excerpt(r.sources().get(l.file()), l.line());
            if (!excerpt.isEmpty()) {
                sb.append("<pre>").append(escape(excerpt)).append("</pre>");
            }
            if (!f.rule().remediation().isEmpty()) {
                sb.append("<p><b>Fix:</b> ").append(escape(f.rule().remediation())).append("</p>");
            }
            if (f.suppressed()) {
                sb.append("<p class=\"loc\">suppressed by ").append(escape(f.suppression().source())).append(": ")
                        .append(escape(f.suppression().reason())).append("</p>");
            }
            sb.append("</div>\n");
        }
        sb.append("</main>\n<script>").append(JS).append("</script>\n</body></html>\n");
        out.write(sb.toString());
    }

    private static void card(StringBuilder sb, String label, int n) {
        sb.append("<div class=\"card\"><b>").append(n).append("</b>").append(escape(label)).append("</div>");
    }

    /** Two lines before and after {@code line}, numbered, the line itself marked. */
    static String excerpt(String text, int line) {
        if (text == null || line <= 0) {
            return "";
        }
        String[] lines = text.split("\n", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = Math.max(1, line - 2); i <= Math.min(lines.length, line + 2); i++) {
            sb.append(i == line ? "> " : "  ").append(String.format("%4d | ", i)).append(lines[i - 1].stripTrailing()).append('\n');
        }
        return sb.toString();
    }
}
