package gatehouse.monitor.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gatehouse.core.InputException;
import gatehouse.monitor.alarm.ComparisonOperator;
import gatehouse.monitor.alarm.TreatMissingData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The configuration format: a full example, defaults, and every error pointing at its line and column. */
class MonitorConfigTest {
    static final String GOOD = """
            name: signins
            metricFilters:
              - name: failures
                pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'
                metricName: ConsoleSignInFailureCount
                metricNamespace: CloudTrailMetrics
                defaultValue: 0
            alarms:
              - name: too-many-failures
                namespace: CloudTrailMetrics
                metricName: ConsoleSignInFailureCount
                comparisonOperator: GreaterThanOrEqualToThreshold
                threshold: 3
                evaluationPeriods: 3
                datapointsToAlarm: 2
                statistic: p90
                treatMissingData: breaching
                actions: [log, {type: log}]
            """;

    @Test
    void aFullConfiguration() {
        MonitorConfig c = MonitorConfig.parse("a.yaml", GOOD, MonitorConfig.BUILT_IN_ACTIONS);
        assertThat(c.name()).isEqualTo("signins");
        assertThat(c.filters()).singleElement().satisfies(f -> {
            assertThat(f.filter().defaultValue()).isEqualTo(0.0);
            assertThat(f.filter().metricValue()).isEqualTo("1");
        });
        assertThat(c.alarms()).singleElement().satisfies(a -> {
            assertThat(a.definition().periodSeconds()).isEqualTo(300);
            assertThat(a.definition().evaluationPeriods()).isEqualTo(3);
            assertThat(a.definition().datapointsToAlarm()).isEqualTo(2);
            assertThat(a.definition().operator()).isEqualTo(ComparisonOperator.GreaterThanOrEqualToThreshold);
            assertThat(a.definition().treatMissingData()).isEqualTo(TreatMissingData.breaching);
            assertThat(a.definition().statistic().display()).isEqualTo("p90");
            assertThat(a.actions()).extracting(MonitorConfig.ActionSpec::type).containsExactly("log", "log");
        });
    }

    @Test
    void jsonIsAcceptedToo() {
        MonitorConfig c = MonitorConfig.parse("a.json", """
                {"metricFilters": [{"name": "f", "pattern": "ERROR", "metricName": "Errors", "metricNamespace": "App"}],
                 "alarms": [{"name": "a", "namespace": "App", "metricName": "Errors", "period": 60,
                             "comparisonOperator": "GreaterThanThreshold", "threshold": 0.5}]}
                """, MonitorConfig.BUILT_IN_ACTIONS);
        assertThat(c.name()).isEqualTo("monitor");
        assertThat(c.alarms().get(0).definition().datapointsToAlarm()).isEqualTo(1);
        assertThat(c.alarms().get(0).definition().treatMissingData()).isEqualTo(TreatMissingData.missing);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown key                 | 'threshold: 3'                          | 'thresh: 3'                        | a.yaml:13:5: error: unknown key thresh
            bad operator                | 'comparisonOperator: GreaterThanOrEqualToThreshold' | 'comparisonOperator: GreaterOrEqual' | a.yaml:12:25: error: unknown comparisonOperator GreaterOrEqual
            bad period                  | 'threshold: 3'                          | 'threshold: 3\\n    period: 45'        | a.yaml:14:13: error: 45 is not 10, 30 or a multiple of 60 seconds
            M above N                   | 'datapointsToAlarm: 2'                  | 'datapointsToAlarm: 4'             | a.yaml:15:24: error: must be from 1 to evaluationPeriods (3)
            bad statistic               | 'statistic: p90'                        | 'statistic: Median'                | a.yaml:16:16: error: unknown statistic 'Median'
            bad missing treatment       | 'treatMissingData: breaching'           | 'treatMissingData: zero'           | a.yaml:17:23: error: unknown treatMissingData zero
            unknown action              | 'actions: [log, {type: log}]'           | 'actions: [log, webhook]'          | a.yaml:18:20: error: unknown action type webhook
            no filter for the metric    | 'metricName: ConsoleSignInFailureCount\\n    comparison' | 'metricName: Other\\n    comparison' | a.yaml:11:17: error: no metric filter of this configuration publishes CloudTrailMetrics/Other
            threshold not a number      | 'threshold: 3'                          | 'threshold: three'                 | a.yaml:13:16: error: threshold must be a number, not a string
            bad pattern column          | '($.errorMessage = "Failed authentication")' | '($.errorMessage = )'         | a.yaml:4:67: error: in the pattern of metric filter failures: expected a value after '='
            bad YAML                    | 'name: signins'                         | 'name: [signins'                   | a.yaml:2:14: error: invalid YAML: expected ',' or ']'
            """)
    void errorsPointAtTheValue(String what, String from, String to, String expected) {
        String text = GOOD.replace(from.replace("\\n", "\n"), to.replace("\\n", "\n"));
        assertThat(text).as("the case edits the configuration").isNotEqualTo(GOOD);
        assertThatThrownBy(() -> MonitorConfig.parse("a.yaml", text, MonitorConfig.BUILT_IN_ACTIONS))
                .isInstanceOf(InputException.class)
                .satisfies(e -> assertThat(((InputException) e).first().render()).startsWith(expected).contains("hint: "));
    }
}
