package gatehouse.core.report;

import static gatehouse.core.report.Markup.escape;

import gatehouse.core.finding.Finding;
import gatehouse.core.finding.Rule;
import gatehouse.core.finding.ScanReport;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JUnit XML as CI servers read it: one test suite per scanned file, one test case per rule; a rule with
 * findings in the file fails (one {@code <failure>} listing them), suppressed-only findings are skipped
 * cases, input errors are an {@code errors} suite.
 */
public final class JUnitReporter implements Reporter {
    @Override
    public void write(ScanReport r, Writer out) throws IOException {
        Map<String, Map<String, List<Finding>>> byFile = new LinkedHashMap<>();
        for (String f : r.files()) {
            byFile.put(f, new LinkedHashMap<>());
        }
        for (Finding f : r.findings()) {
            byFile.computeIfAbsent(f.location().file(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(f.rule().id(), k -> new ArrayList<>()).add(f);
        }
        int tests = 0;
        int failures = 0;
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, Map<String, List<Finding>>> e : byFile.entrySet()) {
            StringBuilder suite = new StringBuilder();
            int sTests = 0;
            int sFail = 0;
            int sSkip = 0;
            List<Rule> rules = new ArrayList<>(r.rules());
            for (String id : e.getValue().keySet()) {
                if (rules.stream().noneMatch(x -> x.id().equals(id))) {
                    rules.add(e.getValue().get(id).get(0).rule());
                }
            }
            for (Rule rule : rules) {
                sTests++;
                List<Finding> fs = e.getValue().getOrDefault(rule.id(), List.of());
                List<Finding> active = fs.stream().filter(f -> !f.suppressed()).toList();
                suite.append("    <testcase classname=\"").append(escape(e.getKey())).append("\" name=\"")
                        .append(escape(rule.id() + " " + rule.title())).append("\" time=\"0\"");
                if (!active.isEmpty()) {
                    sFail++;
                    suite.append(">\n      <failure type=\"").append(rule.severity().label()).append("\" message=\"")
                            .append(escape(active.size() + (active.size() == 1 ? " finding: " : " findings: ") + active.get(0).message()))
                            .append("\">");
                    StringBuilder text = new StringBuilder();
                    for (Finding f : active) {
                        text.append(f.location().file()).append(':').append(f.location().line()).append(':')
                                .append(f.location().column()).append(' ').append(f.location().resource()).append(": ")
                                .append(f.message());
                        f.properties().forEach((k, v) -> text.append("; ").append(k).append(": ").append(v));
                        text.append('\n');
                    }
                    suite.append(escape(text.toString())).append("</failure>\n    </testcase>\n");
                } else if (!fs.isEmpty()) {
                    sSkip++;
                    suite.append(">\n      <skipped message=\"").append(escape("suppressed: " + fs.get(0).suppression().reason()))
                            .append("\"/>\n    </testcase>\n");
                } else {
                    suite.append("/>\n");
                }
            }
            tests += sTests;
            failures += sFail;
            body.append("  <testsuite name=\"").append(escape(e.getKey())).append("\" tests=\"").append(sTests)
                    .append("\" failures=\"").append(sFail).append("\" errors=\"0\" skipped=\"").append(sSkip)
                    .append("\" time=\"0\">\n").append(suite).append("  </testsuite>\n");
        }
        if (!r.errors().isEmpty()) {
            body.append("  <testsuite name=\"input errors\" tests=\"").append(r.errors().size()).append("\" failures=\"0\" errors=\"")
                    .append(r.errors().size()).append("\" skipped=\"0\" time=\"0\">\n");
            int i = 0;
            for (String err : r.errors()) {
                body.append("    <testcase classname=\"input\" name=\"input error ").append(++i).append("\" time=\"0\">\n")
                        .append("      <error message=\"").append(escape(err)).append("\"/>\n    </testcase>\n");
            }
            body.append("  </testsuite>\n");
        }
        out.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.write("<testsuites name=\"gatehouse scan\" tests=\"" + (tests + r.errors().size()) + "\" failures=\"" + failures
                + "\" errors=\"" + r.errors().size() + "\" time=\"0\">\n");
        out.write(body.toString());
        out.write("</testsuites>\n");
    }
}
