package gatehouse.cli;

import gatehouse.core.finding.ScanReport;
import gatehouse.core.report.Reporter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The {@code -f FORMAT -o FILE} pairs every reporting command takes: checked up front, then written. */
public final class ReportOutput {
    private ReportOutput() {}

    /** Null when the pairs are usable; else prints the problem and returns the exit code. */
    public static Integer check(List<String> formats, List<String> outputs) {
        if (formats.isEmpty()) {
            formats.add("text");
        }
        return check(formats, outputs, Reporter.FORMATS, "-f sarif -o scan.sarif");
    }

    /**
     * {@link #check(List, List)} for a command with its own formats: every format known, at most one output per
     * format, at most one format on standard output. {@code example} shows a format with its output file.
     */
    public static Integer check(List<String> formats, List<String> outputs, List<String> known, String example) {
        if (outputs.size() > formats.size()) {
            Context.err().println("gatehouse: more --output than --format options");
            Context.err().println("  hint: give each --output the --format at the same position, e.g. " + example);
            return ExitCode.INPUT_ERROR.code;
        }
        int toStdout = 0;
        for (int i = 0; i < formats.size(); i++) {
            if (!known.contains(formats.get(i))) {
                Context.err().println("gatehouse: unknown format " + formats.get(i));
                Context.err().println("  hint: one of " + String.join(", ", known));
                return ExitCode.INPUT_ERROR.code;
            }
            if (i >= outputs.size() || outputs.get(i).equals("-")) {
                toStdout++;
            }
        }
        if (toStdout > 1) {
            Context.err().println("gatehouse: only one format can go to standard output");
            Context.err().println("  hint: give the others an --output file");
            return ExitCode.INPUT_ERROR.code;
        }
        return null;
    }

    /** Writes every requested report; null on success, else the exit code (the problem printed). */
    public static Integer write(ScanReport report, List<String> formats, List<String> outputs, boolean noColor) {
        for (int i = 0; i < formats.size(); i++) {
            String out = i < outputs.size() ? outputs.get(i) : "-";
            boolean color = !noColor && out.equals("-") && Context.interactive() && System.getenv("NO_COLOR") == null;
            Reporter reporter = Reporter.forFormat(formats.get(i), color).orElseThrow();
            try {
                if (out.equals("-")) {
                    Writer w = new OutputStreamWriter(Context.out(), StandardCharsets.UTF_8);
                    reporter.write(report, w);
                    w.flush();
                } else {
                    Path p = Context.resolve(out);
                    if (p.getParent() != null) {
                        Files.createDirectories(p.getParent());
                    }
                    try (Writer w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
                        reporter.write(report, w);
                    }
                }
            } catch (IOException e) {
                Context.err().println(out + ":0:0: error: cannot write report: " + e.getMessage());
                return ExitCode.INPUT_ERROR.code;
            }
        }
        return null;
    }

    /** Whether the text report goes to standard output (it lists input errors itself). */
    public static boolean textOnStdout(List<String> formats, List<String> outputs) {
        int text = formats.indexOf("text");
        return text >= 0 && (text >= outputs.size() || outputs.get(text).equals("-"));
    }
}
