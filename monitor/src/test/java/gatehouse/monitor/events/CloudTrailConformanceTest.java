package gatehouse.monitor.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gatehouse.core.Diagnostic;
import gatehouse.monitor.ingest.Event;
import gatehouse.monitor.ingest.EventSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real CloudTrail records from {@code ../shared/conformance/cloudtrail} (Cloud Custodian's EventBridge test events,
 * Panther's CloudTrail rule tests, OTRF's attack dataset): the envelope {@link CloudTrailEnvelope#wrap} builds from a
 * raw record must agree with the envelopes EventBridge really delivered, EventBridge rules must give the same verdict
 * on both, and the same records must come back out of CloudTrail log files written in the S3 layout and gzipped.
 * Skipped when ../shared is absent.
 */
class CloudTrailConformanceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path SHARED = Path.of(System.getProperty("gatehouse.shared", "../../shared"), "conformance", "cloudtrail");

    @TempDir
    Path tmp;

    static Path corpus(String sub) {
        Path p = SHARED.resolve(sub);
        Assumptions.assumeTrue(Files.exists(p), "no ../shared CloudTrail corpus");
        return p;
    }

    static List<JsonNode> custodianEnvelopes() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(corpus("cloud-custodian_cwe-events/tests/data/cwe"))) {
            for (Path p : s.sorted().toList()) {
                JsonNode n = JSON.readTree(p.toFile());
                if (n.path("detail-type").asText().equals(CloudTrailEnvelope.API_CALL)) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    static List<JsonNode> pantherLogs() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(corpus("panther-analysis_test-events/panther_aws_cloudtrail_rule_tests.jsonl"))) {
            if (!line.isBlank()) {
                out.add(JSON.readTree(line).get("log"));
            }
        }
        return out;
    }

    @Test
    void wrappedRecordsAgreeWithTheEnvelopesEventBridgeDelivered() throws IOException {
        List<JsonNode> envelopes = custodianEnvelopes();
        assertThat(envelopes).hasSizeGreaterThanOrEqualTo(10);
        for (JsonNode real : envelopes) {
            ObjectNode ours = CloudTrailEnvelope.wrap(real.get("detail"));
            String what = real.get("id").asText();
            assertThat(ours.get("detail-type")).as(what).isEqualTo(real.get("detail-type"));
            assertThat(ours.get("source")).as(what).isEqualTo(real.get("source"));
            assertThat(ours.get("region")).as(what).isEqualTo(real.get("region"));
            assertThat(ours.get("time")).as(what).isEqualTo(real.get("time"));
            assertThat(ours.get("account")).as(what).isEqualTo(real.get("account"));
            assertThat(ours.get("detail")).isSameAs(real.get("detail"));
            assertThat(ours.get("resources").isArray()).isTrue();
            List<String> keys = new ArrayList<>();
            ours.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).containsExactly("version", "id", "detail-type", "source", "account", "time", "region",
                    "resources", "detail");
        }
    }

    @Test
    void eventBridgeRulesGiveTheSameVerdictOnTheRealEnvelopeAndOnTheWrappedRecord() throws IOException {
        RuleSet rules = RuleSet.builder()
                .add("s3-bucket-created", EventPattern.parse("{\"source\": [\"aws.s3\"], \"detail-type\": [\"AWS API Call via CloudTrail\"],"
                        + " \"detail\": {\"eventName\": [\"CreateBucket\"]}}"))
                .add("ec2-run", EventPattern.parse("{\"source\": [\"aws.ec2\"], \"detail\": {\"eventName\": [{\"prefix\": \"Run\"}]}}"))
                .add("root-or-unauthenticated", EventPattern.parse("{\"detail\": {\"userIdentity\": {\"type\": [\"Root\"]}}}"))
                .add("public-ip-callers", EventPattern.parse("{\"detail\": {\"sourceIPAddress\": [{\"anything-but\": {\"suffix\": \".amazonaws.com\"}}],"
                        + " \"errorCode\": [{\"exists\": false}]}}"))
                .add("any-cloudtrail", EventPattern.parse("{\"detail-type\": [{\"suffix\": \"via CloudTrail\"}]}"))
                .build();
        int matched = 0;
        for (JsonNode real : custodianEnvelopes()) {
            List<String> onReal = rules.matches(real);
            assertThat(rules.matches(CloudTrailEnvelope.wrap(real.get("detail")))).isEqualTo(onReal);
            assertThat(onReal).contains("any-cloudtrail");
            matched += onReal.size();
        }
        assertThat(matched).isGreaterThan(custodianEnvelopes().size());
    }

    @Test
    void everyPantherRecordWrapsToAWellFormedEvent() throws IOException {
        List<JsonNode> logs = pantherLogs();
        assertThat(logs).hasSizeGreaterThan(400);
        EventPattern anyAws = EventPattern.parse("{\"source\": [{\"prefix\": \"aws.\"}], \"version\": [\"0\"],"
                + " \"id\": [{\"wildcard\": \"*-*-5*-*-*\"}]}");
        for (JsonNode log : logs) {
            ObjectNode e = CloudTrailEnvelope.wrap(log);
            assertThat(anyAws.matches(e)).as(log.toString()).isTrue();
            assertThat(UUID.fromString(e.get("id").asText()).version()).isEqualTo(5);
            if (log.has("eventSource")) {
                String svc = log.get("eventSource").asText().replace(".amazonaws.com", "");
                assertThat(e.get("source").asText()).isEqualTo("aws." + svc);
            }
            if (log.has("eventID")) {
                assertThat(CloudTrailEnvelope.wrap(log).get("id")).as("deterministic").isEqualTo(e.get("id"));
            }
        }
        assertThat(CloudTrailEnvelope.wrap(logs.get(0)).get("id"))
                .isNotEqualTo(CloudTrailEnvelope.wrap(logs.stream().filter(l -> !l.path("eventID").equals(logs.get(0).path("eventID")))
                        .findFirst().orElseThrow()).get("id"));
    }

    @Test
    void consoleSignInsGetTheirOwnDetailType() throws IOException {
        JsonNode signIn = pantherLogs().stream().filter(l -> l.path("eventType").asText().equals("AwsConsoleSignIn"))
                .findFirst().orElse(null);
        Assumptions.assumeTrue(signIn != null, "no console sign-in in the corpus");
        ObjectNode e = CloudTrailEnvelope.wrap(signIn);
        assertThat(e.get("detail-type").asText()).isEqualTo("AWS Console Sign In via CloudTrail");
        assertThat(e.get("source").asText()).isEqualTo("aws.signin");
    }

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bo.toByteArray();
    }

    @Test
    void realRecordsComeBackOutOfGzippedCloudTrailFilesInTheS3Layout() throws IOException {
        List<JsonNode> logs = pantherLogs();
        // three delivery files over two days, written out of order
        int[][] slices = {{200, logs.size()}, {0, 100}, {100, 200}};
        String[] stamps = {"20240102T0010Z", "20240101T0005Z", "20240101T2350Z"};
        for (int f = 0; f < 3; f++) {
            Path day = tmp.resolve("AWSLogs/123456789012/CloudTrail/us-west-2/2024/01/0" + stamps[f].charAt(7));
            Files.createDirectories(day);
            ObjectNode file = JSON.createObjectNode();
            file.putArray("Records").addAll(logs.subList(slices[f][0], slices[f][1]));
            Files.write(day.resolve("123456789012_CloudTrail_us-west-2_" + stamps[f] + "_x" + f + ".json.gz"),
                    gzip(JSON.writeValueAsString(file)));
        }
        List<Diagnostic> errors = new ArrayList<>();
        List<JsonNode> read = new ArrayList<>();
        try (EventSource s = EventSource.of(List.of(tmp.resolve("AWSLogs").toString()), InputStream.nullInputStream(), errors::add)) {
            s.forEachRemaining(e -> read.add(e.record()));
        }
        assertThat(errors).isEmpty();
        assertThat(read).isEqualTo(logs);
    }

    @Test
    void otrfLogstashExportReadsAsJsonLinesWithTimesFromTimestamp() throws IOException {
        Path f = corpus("otrf_security-datasets/ec2_proxy_s3_exfiltration_2020-09-14011940.json");
        List<Diagnostic> errors = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        try (EventSource s = EventSource.of(List.of(f.toString()), InputStream.nullInputStream(), errors::add)) {
            s.forEachRemaining(events::add);
        }
        assertThat(errors).isEmpty();
        assertThat(events).hasSize(103);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.eventTime()).isNotNull();
            assertThat(e.eventId()).isNotNull();
        });
        assertThat(events.get(102).origin()).isEqualTo(f + ":103");
        // the attack's S3 exfiltration calls, found with an EventBridge rule on the wrapped records
        EventPattern exfil = EventPattern.parse("{\"source\": [\"aws.s3\"], \"detail\": {\"eventName\": [\"GetObject\", \"ListObjects\"],"
                + " \"sourceIPAddress\": [{\"anything-but\": {\"suffix\": \"amazonaws.com\"}}]}}");
        long hits = events.stream().filter(e -> exfil.matches(CloudTrailEnvelope.wrap(e.record()))).count();
        assertThat(hits).isPositive();
    }

    @Test
    void custodianFilesThroughTheSourceUnwrapCloudTrailEnvelopesOnly() throws IOException {
        Path dir = corpus("cloud-custodian_cwe-events/tests/data/cwe");
        List<Diagnostic> errors = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        try (EventSource s = EventSource.of(List.of(dir.toString()), InputStream.nullInputStream(), errors::add)) {
            s.forEachRemaining(events::add);
        }
        assertThat(errors).isEmpty();
        assertThat(events).hasSize(37);
        List<JsonNode> expected = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                JsonNode n = JSON.readTree(p.toFile());
                JsonNode detail = CloudTrailEnvelope.unwrap(n);
                expected.add(detail != null ? detail : n);
            }
        }
        assertThat(events).extracting(Event::record).isEqualTo(expected);
        long unwrapped = events.stream().filter(e -> e.record().has("eventSource") && !e.record().has("detail-type")).count();
        assertThat(unwrapped).as("10 envelopes unwrapped + 14 raw records").isEqualTo(24);
    }
}
