package gatehouse.cli.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import gatehouse.cli.Context;
import gatehouse.cli.ExitCode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.monitor.filter.Event;
import gatehouse.monitor.filter.EventInput;
import gatehouse.monitor.filter.FilterPattern;
import gatehouse.monitor.filter.Match;
import gatehouse.monitor.filter.MetricDatum;
import gatehouse.monitor.filter.MetricFilter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse monitor test-pattern PATTERN [FILE|-]}: CloudWatch's {@code TestMetricFilter} on local events.
 * Prints each matching event with what was extracted, then {@code N of M events matched}. Exit 0 when it ran
 * (whatever the number of matches), 2 on a bad pattern, option or input.
 */
@Command(name = "test-pattern", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Tests a CloudWatch Logs filter pattern against events, like CloudWatch's TestMetricFilter.",
                "Input: a CloudTrail log file {\"Records\": [...]}, a JSON array, JSON lines or text lines; gzip is detected."},
        footer = {"", "Examples:",
                "  gatehouse monitor test-pattern '{ $.eventName = ConsoleLogin && $.errorMessage = \"Failed authentication\" }' trail.json.gz",
                "  gatehouse monitor test-pattern '?ERROR ?WARN -DEBUG' app.log",
                "  gatehouse monitor test-pattern '[ip, user, ..., status = 4*, bytes]' --metric-value '$bytes' --dimension 'Status=$status' access.log",
                "  cat events.jsonl | gatehouse monitor test-pattern '{ $.latency > 500 }' --metric-value '$.latency' -",
                "", "Syntax and decisions: docs/filter-patterns.md"})
final class TestPatternCommand implements Callable<Integer> {
    private static final int SUMMARY_WIDTH = 160;

    @Parameters(index = "0", paramLabel = "PATTERN", description = "The filter pattern (quote it for the shell)")
    String pattern;

    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "Events to test; '-' or nothing reads standard input")
    String file;

    @Option(names = "--metric-value", paramLabel = "SEL",
            description = "Metric value per match: a number, $.selector (JSON) or $field (space-delimited)")
    String metricValue;

    @Option(names = "--dimension", paramLabel = "NAME=SEL",
            description = "A dimension from $.selector (JSON) or $field (space-delimited); up to 3")
    List<String> dimensions = new ArrayList<>();

    @Override
    public Integer call() {
        PrintStream out = Context.out();
        PrintStream err = Context.err();
        String name = file == null || file.equals("-") ? "<stdin>" : file;
        try {
            FilterPattern p = FilterPattern.parse(pattern);
            MetricFilter metric = metricFilter(p);
            long[] counts = new long[2];
            try (InputStream in = open()) {
                EventInput.read(in, name, ne -> {
                    counts[1]++;
                    Match m = p.match(ne.event());
                    if (!m.matched()) {
                        return;
                    }
                    counts[0]++;
                    out.println("line " + ne.line() + ", event " + ne.index() + ": " + summary(ne.event()));
                    m.extracted().forEach((k, v) -> out.println("    " + k + " = " + v));
                    if (metric != null) {
                        Optional<MetricDatum> d = metric.apply(ne.event());
                        if (d.isEmpty()) {
                            out.println("    metric value: none (no numeric value at " + metric.metricValue()
                                    + (metric.dimensions().isEmpty() ? "" : ", or a dimension is missing") + ")");
                        } else {
                            out.println("    metric value = " + number(d.get().value()));
                            d.get().dimensions().forEach((k, v) -> out.println("    dimension " + k + " = " + v));
                        }
                    }
                });
            }
            out.println(counts[0] + " of " + counts[1] + " events matched");
            return ExitCode.OK.code;
        } catch (InputException e) {
            err.print(Diagnostic.renderAll(e.diagnostics()));
            return ExitCode.INPUT_ERROR.code;
        } catch (NoSuchFileException e) {
            err.println(name + ":1:1: error: no such file");
            err.println("  hint: check the path, or pass '-' to read standard input");
            return ExitCode.INPUT_ERROR.code;
        } catch (IOException e) {
            err.println(name + ":1:1: error: cannot read: " + e.getMessage());
            err.println("  hint: check the path and its permissions");
            if (Context.debug()) {
                e.printStackTrace(err);
            }
            return ExitCode.INPUT_ERROR.code;
        }
    }

    private InputStream open() throws IOException {
        if (file == null || file.equals("-")) {
            return new java.io.FilterInputStream(Context.in()) {
                @Override
                public void close() {
                    // standard input belongs to the caller
                }
            };
        }
        Path path = Context.resolve(file);
        if (Files.isDirectory(path)) {
            throw new InputException(Diagnostic.of("input_io_error", SourceSpan.at(file, 1, 1), "is a directory",
                    "give a file of events"));
        }
        return Files.newInputStream(path);
    }

    private MetricFilter metricFilter(FilterPattern p) {
        if (metricValue == null && dimensions.isEmpty()) {
            return null;
        }
        Map<String, String> dims = new LinkedHashMap<>();
        for (String d : dimensions) {
            int eq = d.indexOf('=');
            if (eq <= 0) {
                throw new InputException(Diagnostic.of("usage", SourceSpan.at("--dimension", 1, 1),
                        "'" + d + "' is not NAME=SELECTOR", "e.g. --dimension 'Source=$.eventSource'"));
            }
            if (dims.put(d.substring(0, eq), d.substring(eq + 1)) != null) {
                throw new InputException(Diagnostic.of("usage", SourceSpan.at("--dimension", 1, 1),
                        "dimension '" + d.substring(0, eq) + "' given twice", "give each dimension once"));
            }
        }
        return new MetricFilter("test-pattern", p, "TestMetric", "Gatehouse/Test", metricValue == null ? "1" : metricValue,
                null, dims);
    }

    /** A one-line description: eventName, eventSource and the caller for CloudTrail records, else the text. */
    static String summary(Event e) {
        JsonNode j = e.json();
        if (j != null) {
            JsonNode r = j.path("detail").has("eventName") ? j.get("detail") : j; // an EventBridge envelope
            if (r.has("eventName")) {
                StringBuilder sb = new StringBuilder(r.path("eventName").asText());
                if (r.has("eventSource")) {
                    sb.append("  ").append(r.path("eventSource").asText());
                }
                JsonNode who = r.path("userIdentity");
                String caller = who.path("arn").asText(who.path("type").asText(""));
                if (!caller.isEmpty()) {
                    sb.append("  ").append(caller);
                }
                if (r.has("errorCode")) {
                    sb.append("  error ").append(r.path("errorCode").asText());
                }
                return clip(sb.toString());
            }
        }
        return clip(e.text());
    }

    private static String clip(String s) {
        String one = s.replace('\n', ' ').replace('\r', ' ');
        return one.length() <= SUMMARY_WIDTH ? one : one.substring(0, SUMMARY_WIDTH - 3) + "...";
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
