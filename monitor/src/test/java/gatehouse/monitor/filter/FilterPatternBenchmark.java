package gatehouse.monitor.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JMH-free micro-benchmark (run by {@code benchmarks/filter-patterns.sh}; never by the test suite, which asserts
 * no timing): every CIS filter of {@code cis-filters.json} against every CloudTrail record of the Panther test
 * events, single-threaded. Prints (a) pattern evaluations per second on records already parsed, and (b) records per
 * second end to end, each record's text parsed once and then tested against all filters.
 */
public final class FilterPatternBenchmark {
    private FilterPatternBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args.length > 0 ? args[0] : "../shared").resolve("conformance");
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 5;
        ObjectMapper om = new ObjectMapper();
        List<FilterPattern> patterns = new ArrayList<>();
        for (JsonNode f : om.readTree(shared.resolve("detective/cis-filters.json").toFile())) {
            patterns.add(FilterPattern.parse(f.get("pattern").asText()));
        }
        List<Event> trees = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(shared.resolve(
                "cloudtrail/panther-analysis_test-events/panther_aws_cloudtrail_rule_tests.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode log = om.readTree(line).get("log");
            trees.add(Event.ofJson(log));
            texts.add(log.toString());
        }
        FilterPattern[] ps = patterns.toArray(FilterPattern[]::new);
        Event[] es = trees.toArray(Event[]::new);
        long avgBytes = texts.stream().mapToLong(String::length).sum() / texts.size();
        System.out.printf("%d CIS filters x %d CloudTrail records (average %d bytes of JSON), one thread, %s%n",
                ps.length, es.length, avgBytes, System.getProperty("java.vm.version"));

        long sink = 0;
        for (int round = 0; round < 2; round++) { // round 0 warms up
            long evals = 0;
            long t0 = System.nanoTime();
            long deadline = t0 + (long) (seconds * 1e9);
            while (System.nanoTime() < deadline) {
                for (Event e : es) {
                    for (FilterPattern p : ps) {
                        sink += p.matches(e) ? 1 : 0;
                    }
                }
                evals += (long) es.length * ps.length;
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (round == 1) {
                System.out.printf("(a) parsed records: %,.0f pattern evaluations/s (%.0f ns each)%n", evals / s, s * 1e9 / evals);
            }
        }
        for (int round = 0; round < 2; round++) {
            long records = 0;
            long t0 = System.nanoTime();
            long deadline = t0 + (long) (seconds * 1e9);
            while (System.nanoTime() < deadline) {
                for (String t : texts) {
                    Event e = Event.of(t);
                    for (FilterPattern p : ps) {
                        sink += p.matches(e) ? 1 : 0;
                    }
                }
                records += texts.size();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (round == 1) {
                System.out.printf("(b) text records, parse once + all %d filters: %,.0f records/s (%,.0f evaluations/s)%n",
                        ps.length, records / s, records * ps.length / s);
            }
        }
        System.out.println("(checksum " + sink + ")");
    }
}
