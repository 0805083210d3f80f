package gatehouse.core.report;

import gatehouse.core.finding.ScanReport;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Renders a {@link ScanReport} in one format. Output is deterministic for a given report. */
public interface Reporter {
    void write(ScanReport report, Writer out) throws IOException;

    /** The formats {@code --format} accepts. */
    List<String> FORMATS = List.of("text", "json", "sarif", "junit", "html");

    static Optional<Reporter> forFormat(String name, boolean color) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "text" -> Optional.of(new TextReporter(color));
            case "json" -> Optional.of(new JsonReporter());
            case "sarif" -> Optional.of(new SarifReporter());
            case "junit" -> Optional.of(new JUnitReporter());
            case "html" -> Optional.of(new HtmlReporter());
            default -> Optional.empty();
        };
    }
}
