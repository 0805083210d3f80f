package gatehouse.monitor.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.monitor.cis.CisPack;
import gatehouse.monitor.filter.Event;
import gatehouse.monitor.filter.FilterPattern;
import gatehouse.monitor.filter.MetricFilter;
import gatehouse.monitor.ingest.EventSource;
import gatehouse.monitor.ingest.Projection;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run reads only the paths its filters can look at; every verdict and metric value must be the one the whole
 * record gives. Checked for the whole CIS pack on every CloudTrail record of the shared corpus.
 */
class ProjectionTest {
    static final Path PANTHER = Path.of(System.getProperty("gatehouse.shared", "../../shared"), "conformance", "cloudtrail",
            "panther-analysis_test-events", "panther_aws_cloudtrail_rule_tests.jsonl");

    @TempDir
    Path dir;

    @Test
    void pathsOfPatterns() {
        MetricFilter f = new MetricFilter("f", FilterPattern.parse("{ $.eventName = X }"), "m", "ns", "$.bytes", null,
                Map.of("Who", "$.userIdentity.arn"));
        List<MetricFilter> withTerms = List.of(f, new MetricFilter("t", FilterPattern.parse("ERROR"), "m", "ns", "1", null, Map.of()));
        assertThat(MonitorRunner.paths(withTerms)).isNull();
        assertThat(FilterPattern.parse("{ $.userIdentity.type = \"Root\" && $.a[0][2].b NOT EXISTS }").jsonPaths())
                .containsExactly(List.of("userIdentity", "type"), List.of("a", 0, 2, "b"));
        assertThat(FilterPattern.parse("ERROR").jsonPaths()).isNull();
        assertThat(FilterPattern.parse("").jsonPaths()).isEmpty();
        assertThat(f.jsonPaths()).containsExactlyInAnyOrder(List.of("eventName"), List.of("bytes"), List.of("userIdentity", "arn"));
    }

    /**
     * The run's projection onto the selectors' paths ({@link MonitorRunner#paths}), read straight from the bytes, over
     * every CloudTrail record of the shared corpus (Panther's rule test events as a CloudTrail log file, pretty-printed
     * so that records span lines, and the OTRF attack simulation as JSON lines): every CIS data point equals the one
     * the whole record gives, and so do the records' ids, times and origins.
     */
    @Test
    void cisDataPointsOnPathProjectedRecordsEqualThoseOnWholeRecords() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(PANTHER), "no ../shared corpus");
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> logs = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(PANTHER)) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode log = m.readTree(line).get("log");
                if (log != null && log.isObject()) {
                    logs.add(log);
                }
            }
        }
        Path trail = dir.resolve("trail.json");
        Files.writeString(trail, m.writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("Records", logs)));
        List<Path> inputs = new ArrayList<>(List.of(trail));
        Path otrf = PANTHER.getParent().getParent().resolve("otrf_security-datasets");
        try (var files = Files.list(otrf)) {
            files.filter(f -> f.toString().endsWith(".json")).sorted().forEach(inputs::add);
        }
        List<MetricFilter> filters = CisPack.load(MonitorConfig.BUILT_IN_ACTIONS).filters().stream()
                .map(MonitorConfig.FilterSpec::filter).toList();
        Projection paths = MonitorRunner.paths(filters);
        assertThat(paths).isNotNull();
        int matches = 0;
        int records = 0;
        for (Path in : inputs) {
            List<gatehouse.monitor.ingest.Event> whole = events(in, null);
            List<gatehouse.monitor.ingest.Event> projected = events(in, paths);
            assertThat(projected).hasSameSizeAs(whole);
            for (int i = 0; i < whole.size(); i++) {
                var a = whole.get(i);
                var b = projected.get(i);
                assertThat(List.of(b.origin(), String.valueOf(b.eventId()), String.valueOf(b.eventTime())))
                        .isEqualTo(List.of(a.origin(), String.valueOf(a.eventId()), String.valueOf(a.eventTime())));
                for (MetricFilter f : filters) {
                    var x = f.apply(Event.ofJson(a.record()));
                    assertThat(f.apply(Event.ofJson(b.record()))).as("%s on %s", f.name(), a.origin()).isEqualTo(x);
                    matches += x.isPresent() ? 1 : 0;
                }
                records++;
            }
        }
        assertThat(records).isGreaterThan(300);
        assertThat(matches).as("the corpus exercises the filters").isGreaterThan(50);
    }

    static List<gatehouse.monitor.ingest.Event> events(Path file, Projection projection) {
        List<gatehouse.monitor.ingest.Event> out = new ArrayList<>();
        try (EventSource s = EventSource.of(List.of(file.toString()), null, d -> {
            throw new AssertionError(d.render());
        }, projection)) {
            s.forEachRemaining(out::add);
        }
        return out;
    }
}
