package gatehouse.core.report;

import gatehouse.core.finding.Finding;
import gatehouse.core.finding.ScanReport;
import gatehouse.core.finding.Severity;
import java.io.IOException;
import java.io.Writer;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Readable text: findings grouped by file, each with its source line and a caret, where the value came from,
 * and the fix; then counts by severity and the gate's decision with its reason.
 */
public final class TextReporter implements Reporter {
    private final boolean color;

    public TextReporter(boolean color) {
        this.color = color;
    }

    @Override
    public void write(ScanReport r, Writer out) throws IOException {
        Map<String, List<Finding>> byFile = new LinkedHashMap<>();
        for (Finding f : r.findings()) {
            byFile.computeIfAbsent(f.location().file(), k -> new java.util.ArrayList<>()).add(f);
        }
        for (Map.Entry<String, List<Finding>> e : byFile.entrySet()) {
            out.write(bold(e.getKey()) + "\n");
            for (Finding f : e.getValue()) {
                var l = f.location();
                String sev = f.rule().severity().label();
                out.write("  " + l.line() + ":" + l.column() + "  " + paint(f.rule().severity(), sev) + "  "
                        + f.rule().id() + "  " + f.rule().title() + (f.suppressed() ? "  [suppressed]" : "") + "\n");
                if (!l.resource().isEmpty()) {
                    out.write("      resource: " + l.resource() + (l.path().isEmpty() ? "" : "  (" + l.path() + ")") + "\n");
                }
                out.write("      " + f.message() + "\n");
                if (!f.provenance().isEmpty()) {
                    out.write("      value " + f.provenance() + "\n");
                }
                for (var prop : f.properties().entrySet()) {
                    out.write("      " + prop.getKey() + ": " + prop.getValue() + "\n");
                }
                if (!f.snippet().isEmpty()) {
                    String num = Integer.toString(l.line());
                    out.write("    " + num + " | " + f.snippet() + "\n");
                    out.write("    " + " ".repeat(num.length()) + " | " + " ".repeat(Math.max(0, Math.min(l.column() - 1,
                            f.snippet().length()))) + "^\n");
                }
                if (!f.rule().remediation().isEmpty()) {
                    out.write("      fix: " + f.rule().remediation() + "\n");
                }
                if (f.suppressed()) {
                    out.write("      suppressed by " + f.suppression().source() + ": " + f.suppression().reason() + "\n");
                }
            }
            out.write("\n");
        }
        for (String err : r.errors()) {
            out.write(err + "\n");
        }
        if (!r.errors().isEmpty()) {
            out.write("\n");
        }
        Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
        int suppressed = 0;
        for (Finding f : r.findings()) {
            if (f.suppressed()) {
                suppressed++;
            } else {
                counts.merge(f.rule().severity(), 1, Integer::sum);
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(r.count()).append(", ").append(r.rules().size())
                .append(" rules, ").append(r.active().size()).append(r.active().size() == 1 ? " finding" : " findings");
        if (!counts.isEmpty()) {
            sb.append(" (");
            boolean first = true;
            for (Map.Entry<Severity, Integer> c : counts.entrySet()) {
                sb.append(first ? "" : ", ").append(c.getValue()).append(' ').append(c.getKey().label());
                first = false;
            }
            sb.append(')');
        }
        if (suppressed > 0) {
            sb.append(", ").append(suppressed).append(" suppressed");
        }
        if (!r.errors().isEmpty()) {
            sb.append(", ").append(r.errors().size()).append(r.errors().size() == 1 ? " input error" : " input errors");
        }
        out.write(sb + "\n");
        out.write("decision: " + bold(r.decision().outcome().name()) + " — " + r.decision().reason() + "\n");
    }

    private String bold(String s) {
        return color ? "\u001b[1m" + s + "\u001b[0m" : s;
    }

    private String paint(Severity s, String text) {
        if (!color) {
            return text;
        }
        String code = switch (s) {
            case CRITICAL, HIGH -> "31";
            case MEDIUM -> "33";
            case LOW -> "36";
            case INFO -> "37";
        };
        return "\u001b[" + code + "m" + text + "\u001b[0m";
    }
}
