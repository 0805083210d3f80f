package gatehouse.monitor.filter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The CIS AWS Foundations monitoring filters ({@code ../shared/conformance/detective/cis-filters.json}) against
 * real-shaped CloudTrail records: every filter parses, and each Panther test event whose rule carries a CIS 3.x
 * tag ({@code ../shared/conformance/cloudtrail/panther-analysis_test-events/}) gets Panther's verdict from the
 * CIS v1.2.0 filter of that control, except the cases listed in {@code cis-panther-expected-differences.tsv},
 * where the Panther rule and the CIS filter detect different things by definition. A listed case that starts
 * agreeing fails the test, so the list cannot go stale. Skipped when ../shared is absent.
 */
class CisFiltersTest {
    static final Path SHARED = Path.of(System.getProperty("gatehouse.shared", "../../shared"), "conformance");
    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode filters() throws IOException {
        Path f = SHARED.resolve("detective/cis-filters.json");
        Assumptions.assumeTrue(Files.isRegularFile(f), "no ../shared corpus");
        return JSON.readTree(f.toFile());
    }

    @Test
    void everyCisFilterParsesAsJsonPattern() throws IOException {
        JsonNode filters = filters();
        assertThat(filters.size()).isGreaterThanOrEqualTo(60);
        for (JsonNode f : filters) {
            FilterPattern p = FilterPattern.parse(f.get("pattern").asText());
            assertThat(p.kind()).as(f.get("id").asText()).isEqualTo(FilterPattern.Kind.JSON);
            MetricFilter mf = new MetricFilter(f.get("id").asText().replace(':', '-'), p, "m", f.get("metric").get("namespace").asText(),
                    f.get("metric").get("value").asText(), null, Map.of());
            assertThat(mf.apply(Event.of("{}"))).as("nothing in an empty record").isEmpty();
        }
    }

    record Row(String ruleId, String testName, String control, boolean expected, JsonNode log) {
        String key() {
            return ruleId + "\t" + testName + "\t" + control;
        }
    }

    static List<Row> pantherCisRows() throws IOException {
        Path f = SHARED.resolve("cloudtrail/panther-analysis_test-events/panther_aws_cloudtrail_rule_tests.jsonl");
        Assumptions.assumeTrue(Files.isRegularFile(f), "no ../shared corpus");
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            JsonNode cis = n.path("reports").path("CIS");
            for (JsonNode tag : cis) {
                String control = tag.asText();
                if (!control.startsWith("3.")) {
                    continue; // CIS 1.x tags (IAM hygiene) have no metric filter
                }
                if (control.equals("3.1") && n.get("ruleId").asText().contains("SecurityGroup")) {
                    control = "3.10"; // Panther's YAML tag 3.10 reaches JSON as the number 3.1
                }
                rows.add(new Row(n.get("ruleId").asText(), n.get("testName").asText(), control,
                        n.get("expectedResult").asBoolean(), n.get("log")));
            }
        }
        return rows;
    }

    static Map<String, String> expectedDifferences() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        try (InputStream in = CisFiltersTest.class.getResourceAsStream("cis-panther-expected-differences.tsv")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] p = line.split("\t");
                assertThat(p).as("ruleId, testName, control, reason: " + line).hasSize(4);
                assertThat(p[3]).as("a reason").isNotBlank();
                out.put(p[0] + "\t" + p[1] + "\t" + p[2], p[3]);
            }
        }
        return out;
    }

    @Test
    void pantherCisEventsGetPanthersVerdictFromTheCisFilter() throws IOException {
        Map<String, FilterPattern> byControl = new TreeMap<>();
        for (JsonNode f : filters()) {
            if (f.get("id").asText().startsWith("CIS-AWS-v1.2.0-")) {
                byControl.put(f.get("control").asText(), FilterPattern.parse(f.get("pattern").asText()));
            }
        }
        List<Row> rows = pantherCisRows();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(70);
        Map<String, String> listed = expectedDifferences();
        List<String> unexpected = new ArrayList<>();
        TreeSet<String> seen = new TreeSet<>();
        int agree = 0;
        for (Row r : rows) {
            FilterPattern p = byControl.get(r.control());
            assertThat(p).as("CIS v1.2.0 filter for " + r.control()).isNotNull();
            boolean got = p.matches(Event.ofJson(r.log()));
            seen.add(r.key());
            boolean differs = got != r.expected();
            if (differs && !listed.containsKey(r.key())) {
                unexpected.add("disagrees: " + r.key() + " (Panther " + r.expected() + ", filter " + got + ")");
            } else if (!differs && listed.containsKey(r.key())) {
                unexpected.add("now agrees, remove from the expected differences: " + r.key());
            } else if (!differs) {
                agree++;
            }
        }
        for (String k : listed.keySet()) {
            if (!seen.contains(k)) {
                unexpected.add("listed but no such Panther case: " + k);
            }
        }
        assertThat(unexpected).isEmpty();
        assertThat(agree).as("agreements").isGreaterThan(rows.size() / 2);
    }

    @Test
    void everyCisFilterRunsOverEveryPantherEvent() throws IOException {
        // a smoke run over all 461 records: no exception, and every filter matches something or nothing consistently
        List<FilterPattern> patterns = new ArrayList<>();
        for (JsonNode f : filters()) {
            patterns.add(FilterPattern.parse(f.get("pattern").asText()));
        }
        Path f = SHARED.resolve("cloudtrail/panther-analysis_test-events/panther_aws_cloudtrail_rule_tests.jsonl");
        Assumptions.assumeTrue(Files.isRegularFile(f), "no ../shared corpus");
        int matches = 0;
        int events = 0;
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            Event e = Event.ofJson(JSON.readTree(line).get("log"));
            Event t = Event.of(e.text());
            events++;
            for (FilterPattern p : patterns) {
                boolean m = p.matches(e);
                assertThat(p.matches(t)).as("tree and text agree for " + p.text()).isEqualTo(m);
                matches += m ? 1 : 0;
            }
        }
        assertThat(events).isGreaterThan(400);
        assertThat(matches).isPositive();
    }
}
