package gatehouse.monitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gatehouse.core.Diagnostic;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Formats, ordering, origins and error handling of {@link EventSource}, on small inputs written to a temp dir. */
class EventSourceTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static String record(String id, String time) {
        return "{\"eventVersion\":\"1.08\",\"eventID\":\"" + id + "\",\"eventTime\":\"" + time
                + "\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\",\"awsRegion\":\"us-east-1\"}";
    }

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bo)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bo.toByteArray();
    }

    record Run(List<Event> events, List<Diagnostic> errors) {
        List<String> ids() {
            return events.stream().map(Event::eventId).toList();
        }
    }

    static Run read(List<String> inputs, InputStream stdin) {
        List<Diagnostic> errors = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        try (EventSource s = EventSource.of(inputs, stdin, errors::add)) {
            s.forEachRemaining(events::add);
        }
        return new Run(events, errors);
    }

    Run read(String... files) {
        return read(Arrays.stream(files).map(f -> dir.resolve(f).toString()).toList(), InputStream.nullInputStream());
    }

    @Test
    void cloudTrailFileRecordsStreamInOrderWithIdsTimesAndLines() throws IOException {
        Files.writeString(dir.resolve("a.json"), "{\"Records\": [\n" + record("e1", "2024-01-01T00:00:01Z") + ",\n"
                + record("e2", "2024-01-01T00:00:02Z") + "\n]}\n");
        Run r = read("a.json");
        assertThat(r.errors()).isEmpty();
        assertThat(r.ids()).containsExactly("e1", "e2");
        assertThat(r.events().get(0).origin()).isEqualTo(dir.resolve("a.json") + ":2");
        assertThat(r.events().get(1).origin()).isEqualTo(dir.resolve("a.json") + ":3");
        assertThat(r.events().get(1).eventTime()).isEqualTo(Instant.parse("2024-01-01T00:00:02Z"));
        assertThat(r.events().get(0).record().get("eventName").asText()).isEqualTo("GetObject");
    }

    @Test
    void gzipIsDetectedByMagicBytesNotByName() throws IOException {
        Files.write(dir.resolve("plain-name.json"), gzip("{\"Records\":[" + record("g1", "2024-01-01T00:00:00Z") + "]}"));
        Files.writeString(dir.resolve("named.json.gz"), "{\"Records\":[" + record("p1", "2024-01-01T00:00:00Z") + "]}");
        Run r = read("plain-name.json", "named.json.gz");
        assertThat(r.errors()).isEmpty();
        assertThat(r.ids()).containsExactly("g1", "p1");
    }

    @Test
    void bareArraysJsonLinesAndEnvelopes() throws IOException {
        Files.writeString(dir.resolve("array.json"), "[" + record("a1", "2024-01-01T00:00:00Z") + ","
                + record("a2", "2024-01-01T00:00:00Z") + "]");
        Files.writeString(dir.resolve("lines.jsonl"), record("l1", "2024-01-01T00:00:00Z") + "\n\n"
                + record("l2", "2024-01-01T00:00:00Z") + "\n");
        Files.writeString(dir.resolve("envelope.json"), "{\"version\":\"0\",\"detail-type\":\"AWS API Call via CloudTrail\","
                + "\"source\":\"aws.s3\",\"detail\":" + record("v1", "2024-01-01T00:00:00Z") + "}\n"
                + "{\"version\":\"0\",\"detail-type\":\"GuardDuty Finding\",\"source\":\"aws.guardduty\",\"id\":\"gd\",\"detail\":{}}");
        Run r = read("array.json", "lines.jsonl", "envelope.json");
        assertThat(r.errors()).isEmpty();
        assertThat(r.ids()).containsExactly("a1", "a2", "l1", "l2", "v1", null);
        assertThat(r.events().get(3).origin()).endsWith("lines.jsonl:3");
        assertThat(r.events().get(4).record().has("detail-type")).as("envelope unwrapped").isFalse();
        assertThat(r.events().get(5).record().get("source").asText()).as("other envelopes kept whole").isEqualTo("aws.guardduty");
    }

    @Test
    void standardInputIsDash() throws IOException {
        byte[] in = gzip(record("s1", "2024-01-01T00:00:00Z") + "\n" + record("s2", "2024-01-01T00:00:00Z"));
        Run r = read(List.of("-"), new ByteArrayInputStream(in));
        assertThat(r.ids()).containsExactly("s1", "s2");
        assertThat(r.events().get(1).origin()).isEqualTo("<stdin>:2");
    }

    @Test
    void s3LayoutIsWalkedInChronologicalOrderOfFileNamesAndDigestsAreSkipped() throws IOException {
        String acct = "123456789012";
        String[][] files = {
                {"eu-west-1/2024/01/02", "20240102T0005Z", "d2-eu"},
                {"us-east-1/2024/01/01", "20240101T2355Z", "d1-late"},
                {"us-east-1/2024/01/02", "20240102T0000Z", "d2-us"},
                {"eu-west-1/2024/01/01", "20240101T0100Z", "d1-early"},
        };
        for (String[] f : files) {
            Path p = dir.resolve("AWSLogs/" + acct + "/CloudTrail/" + f[0]);
            Files.createDirectories(p);
            String region = f[0].substring(0, f[0].indexOf('/'));
            Files.write(p.resolve(acct + "_CloudTrail_" + region + "_" + f[1] + "_abcdEFGH1234.json.gz"),
                    gzip("{\"Records\":[" + record(f[2], "2024-01-01T00:00:00Z") + "]}"));
        }
        Path digest = dir.resolve("AWSLogs/" + acct + "/CloudTrail-Digest/us-east-1/2024/01/01");
        Files.createDirectories(digest);
        Files.write(digest.resolve(acct + "_CloudTrail-Digest_us-east-1_trail_us-east-1_20240101T0000Z.json.gz"),
                gzip("{\"awsAccountId\":\"" + acct + "\",\"logFiles\":[]}"));
        Run r = read(List.of(dir.toString()), InputStream.nullInputStream());
        assertThat(r.errors()).isEmpty();
        assertThat(r.ids()).containsExactly("d1-early", "d1-late", "d2-us", "d2-eu");
    }

    @Test
    void malformedFilesAreReportedOnceEachAndTheRestOfTheInputGoesOn() throws IOException {
        String good = "{\"Records\":[" + record("ok1", "2024-01-01T00:00:00Z") + "]}";
        byte[] gz = gzip("{\"Records\":[" + record("t1", "2024-01-01T00:00:00Z") + "," + record("t2", "2024-01-01T00:00:00Z") + "]}");
        Files.write(dir.resolve("1-truncated.json.gz"), Arrays.copyOf(gz, gz.length - 30));
        Files.write(dir.resolve("2-garbage.json"), new byte[] {0x00, 0x13, 0x7f, 'x', 'y'});
        Files.writeString(dir.resolve("3-good.json"), good);
        Files.writeString(dir.resolve("4-truncated.json"), "{\"Records\":[\n" + record("u1", "2024-01-01T00:00:00Z") + ",\n{\"eventID\":\"u2\",");
        Files.writeString(dir.resolve("5-number.json"), "{\"Records\":[" + record("n1", "2024-01-01T00:00:00Z") + ", 42]}");
        Files.writeString(dir.resolve("6-string.json"), "\"hello\"");
        Files.write(dir.resolve("7-badheader.gz"), new byte[] {0x1f, (byte) 0x8b, 9, 9});
        Files.writeString(dir.resolve("8-good.jsonl"), record("ok2", "2024-01-01T00:00:00Z"));
        List<String> inputs = new ArrayList<>();
        for (String f : List.of("1-truncated.json.gz", "2-garbage.json", "3-good.json", "4-truncated.json", "5-number.json",
                "6-string.json", "missing.json", "7-badheader.gz", "8-good.jsonl")) {
            inputs.add(dir.resolve(f).toString());
        }
        Run r = read(inputs, InputStream.nullInputStream());
        assertThat(r.ids()).startsWith("ok1").contains("ok1", "u1", "n1", "ok2").endsWith("ok2");
        assertThat(r.errors()).hasSize(7);
        List<String> heads = r.errors().stream().map(Diagnostic::headline).toList();
        heads.forEach(h -> assertThat(h).doesNotContain("Exception").doesNotContain("\n"));
        assertThat(heads.get(0)).startsWith(dir.resolve("1-truncated.json.gz") + ":1:").contains("error: ");
        assertThat(heads.get(1)).matches(".*2-garbage.json:1:\\d+: error: invalid JSON: .*");
        assertThat(heads.get(2)).matches(".*4-truncated.json:3:\\d+: error: invalid JSON: Unexpected end-of-input.*");
        assertThat(heads.get(3)).matches(".*5-number.json:1:\\d+: error: a record must be a JSON object, found a number");
        assertThat(heads.get(4)).matches(".*6-string.json:1:1: error: expected a JSON object or array, found a string");
        assertThat(heads.get(5)).isEqualTo("error: cannot read " + dir.resolve("missing.json") + ": no such file or directory");
        assertThat(heads.get(6)).startsWith(dir.resolve("7-badheader.gz") + ":1:1: error: gzip stream is truncated or corrupt");
        r.errors().forEach(d -> assertThat(d.hint()).isNotBlank());
    }

    @Test
    void emptyFilesHaveNoRecordsAndNoErrors() throws IOException {
        Files.writeString(dir.resolve("empty.json"), "");
        Files.write(dir.resolve("empty.json.gz"), gzip(""));
        Files.writeString(dir.resolve("empty-records.json"), "{\"Records\": []}");
        Run r = read("empty.json", "empty.json.gz", "empty-records.json");
        assertThat(r.events()).isEmpty();
        assertThat(r.errors()).isEmpty();
    }

    @Test
    void recordsWithoutTimeOrIdAndLogstashTimestamps() throws IOException {
        Files.writeString(dir.resolve("x.jsonl"), "{\"eventName\":\"A\"}\n{\"@timestamp\":\"2020-09-14T00:44:23.000Z\",\"eventID\":\"b\"}\n"
                + "{\"eventTime\":\"yesterday\",\"eventID\":7}\n");
        Run r = read("x.jsonl");
        assertThat(r.errors()).isEmpty();
        assertThat(r.events()).extracting(Event::eventTime)
                .containsExactly(null, Instant.parse("2020-09-14T00:44:23Z"), null);
        assertThat(r.ids()).containsExactly(null, "b", null);
    }

    @Test
    void fieldsAroundTheRecordsArrayAreIgnored() throws IOException {
        Files.writeString(dir.resolve("a.json"), "{\"before\": {\"x\": [1]}, \"Records\": [" + record("r1", "2024-01-01T00:00:00Z")
                + "], \"after\": [1, {\"y\": 2}]}");
        Run r = read("a.json");
        assertThat(r.errors()).isEmpty();
        assertThat(r.ids()).containsExactly("r1");
    }

    /**
     * An input stream that writes a CloudTrail file of {@code total} records as it is read, and counts the records it
     * has produced, so the test can check how far ahead of the consumer the reader ever gets.
     */
    static final class LazyCloudTrail extends InputStream {
        final int total;
        int produced;
        byte[] chunk = "{\"Records\":[".getBytes(StandardCharsets.UTF_8);
        int pos;
        boolean done;
        final String pad = "x".repeat(60);

        LazyCloudTrail(int total) {
            this.total = total;
        }

        private boolean refill() {
            if (done) {
                return false;
            }
            if (produced == total) {
                chunk = "]}".getBytes(StandardCharsets.UTF_8);
                done = true;
            } else {
                String r = (produced == 0 ? "" : ",") + "{\"eventVersion\":\"1.08\",\"eventID\":\"id-" + produced
                        + "\",\"eventTime\":\"2024-01-01T00:00:00Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\","
                        + "\"requestParameters\":{\"key\":\"k" + produced + "\"},\"pad\":\"" + pad + "\"}";
                chunk = r.getBytes(StandardCharsets.UTF_8);
                produced++;
            }
            pos = 0;
            return true;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int n = 0;
            while (n < len) {
                if (pos == chunk.length && !refill()) {
                    break;
                }
                int k = Math.min(len - n, chunk.length - pos);
                System.arraycopy(chunk, pos, b, off + n, k);
                pos += k;
                n += k;
            }
            return n == 0 ? -1 : n;
        }
    }

    @Test
    void aMillionRecordsStreamWithTheReaderNeverFarAheadOfTheConsumer() {
        int total = 1_000_000;
        LazyCloudTrail in = new LazyCloudTrail(total);
        List<Diagnostic> errors = new ArrayList<>();
        long consumed = 0;
        int maxAhead = 0;
        long bytes = 0;
        long t0 = System.nanoTime();
        try (EventSource s = EventSource.of("generated.json", in, errors::add)) {
            while (s.hasNext()) {
                Event e = s.next();
                consumed++;
                maxAhead = Math.max(maxAhead, (int) (in.produced - consumed));
                if (consumed == 1 || consumed == total) {
                    assertThat(e.eventId()).isEqualTo("id-" + (consumed - 1));
                }
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        bytes = (long) total * 200;
        System.out.printf("streamed %,d records (~%,d MB) in %.2f s: %,.0f records/s; reader at most %d records ahead%n",
                consumed, bytes >> 20, secs, consumed / secs, maxAhead);
        assertThat(errors).isEmpty();
        assertThat(consumed).isEqualTo(total);
        // the reader's look-ahead is its byte buffers (64 KiB + the parser's), never whole records: about 400 records
        // of 200 bytes fit; a reader that loaded the file would be a million ahead
        assertThat(maxAhead).isLessThan(1_000);
    }

    @Test
    void realCloudTrailShapedRecordsRoundTripThroughGzip() throws IOException {
        ArrayNode records = JSON.createArrayNode();
        for (int i = 0; i < 50; i++) {
            ObjectNode r = (ObjectNode) JSON.readTree(record("rt" + i, "2024-01-01T00:00:" + String.format("%02d", i) + "Z"));
            r.putObject("requestParameters").put("bucketName", "b" + i).putArray("list").add(i).add("s");
            records.add(r);
        }
        ObjectNode file = JSON.createObjectNode();
        file.set("Records", records);
        Files.write(dir.resolve("f.json.gz"), gzip(JSON.writeValueAsString(file)));
        Run r = read("f.json.gz");
        assertThat(r.events()).hasSize(50);
        for (int i = 0; i < 50; i++) {
            JsonNode got = r.events().get(i).record();
            assertThat(got).isEqualTo(records.get(i));
        }
    }
}
