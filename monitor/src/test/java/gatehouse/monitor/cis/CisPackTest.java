package gatehouse.monitor.cis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.monitor.alarm.ComparisonOperator;
import gatehouse.monitor.alarm.TreatMissingData;
import gatehouse.monitor.run.MonitorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The built-in pack: every control of CIS v1.2.0 3.1–3.14 and v3.0.0 4.1–4.15 has a filter and an alarm; the
 * patterns are the benchmark's (as transcribed in shared/conformance/detective/cis-filters.json), with the documented
 * choices where the sources disagree; the seed's sign-in alarm is there.
 */
class CisPackTest {
    static final Path CIS = Path.of(System.getProperty("gatehouse.shared", "../../shared"), "conformance", "detective",
            "cis-filters.json");
    static final MonitorConfig PACK = CisPack.load(MonitorConfig.BUILT_IN_ACTIONS);

    static List<String> expectedControls() {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 14; i++) {
            ids.add("CIS-AWS-v1.2.0-3." + i);
        }
        for (int i = 1; i <= 15; i++) {
            ids.add("CIS-AWS-v3.0.0-4." + i);
        }
        return ids;
    }

    @Test
    void everyControlHasAFilterAndAnAlarm() {
        List<String> filterControls = PACK.filters().stream().flatMap(f -> f.controls().stream()).toList();
        List<String> alarmControls = PACK.alarms().stream().flatMap(a -> a.controls().stream()).toList();
        assertThat(filterControls).containsExactlyInAnyOrderElementsOf(expectedControls());
        assertThat(alarmControls).containsExactlyInAnyOrderElementsOf(expectedControls());
        for (MonitorConfig.AlarmSpec a : PACK.alarms()) {
            assertThat(a.actions()).extracting(MonitorConfig.ActionSpec::type).containsExactly("log");
            assertThat(a.definition().treatMissingData()).isEqualTo(TreatMissingData.notBreaching);
            assertThat(a.definition().operator()).isEqualTo(ComparisonOperator.GreaterThanOrEqualToThreshold);
            assertThat(a.definition().periodSeconds()).isEqualTo(300);
        }
    }

    @Test
    void theSeedsSignInAlarm() {
        MonitorConfig.AlarmSpec a = PACK.alarms().stream().filter(s -> s.definition().metricName().equals("ConsoleSignInFailureCount"))
                .findFirst().orElseThrow();
        assertThat(a.definition().threshold()).isEqualTo(3);
        assertThat(a.definition().periodSeconds()).isEqualTo(300);
        assertThat(a.definition().evaluationPeriods()).isEqualTo(1);
        assertThat(a.definition().namespace()).isEqualTo("CloudTrailMetrics");
    }

    /** Patterns equal the benchmark's texts (whitespace aside), with the three documented choices. */
    @Test
    void patternsAreTheBenchmarks() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(CIS), "no ../shared corpus");
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode n : new ObjectMapper().readTree(CIS.toFile())) {
            byId.put(n.get("id").asText(), n);
        }
        Map<String, String> chosen = Map.of(
                "CIS-AWS-v3.0.0-4.1", byId.get("CIS-AWS-v2.0.0-4.1").get("pattern").asText(), // the && text, not Prowler's ||
                "CIS-AWS-v3.0.0-4.13", byId.get("CIS-AWS-v3.0.0-4.13").get("alternatives").get(0).get("pattern").asText());
        for (MonitorConfig.FilterSpec f : PACK.filters()) {
            for (String control : f.controls()) {
                String expected = chosen.getOrDefault(control, byId.get(control).get("pattern").asText());
                assertThat(f.filter().pattern().text().replaceAll("\\s", "")).as(control)
                        .isEqualTo(expected.replaceAll("\\s", ""));
                JsonNode t = byId.get(control).get("threshold");
                MonitorConfig.AlarmSpec a = PACK.alarms().stream().filter(s -> s.controls().contains(control)).findFirst().orElseThrow();
                assertThat(a.definition().threshold()).isEqualTo(t.get("threshold").asDouble());
                assertThat(a.definition().periodSeconds()).isEqualTo(t.get("periodSeconds").asInt());
                assertThat(a.definition().statistic().display()).isEqualTo(t.get("statistic").asText());
                assertThat(a.definition().metricName()).isEqualTo(f.filter().metricName());
            }
        }
    }
}
