package gatehouse.monitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.core.Diagnostic;
import gatehouse.monitor.filter.FilterPattern;
import gatehouse.monitor.filter.FilterPatternException;
import gatehouse.monitor.filter.MetricFilter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The projected read ({@link FastRecordParser} and {@link Projection}, what {@code gatehouse monitor run} uses) against
 * the whole-record read with Jackson alone: for generated inputs (escapes, raw and escaped Unicode, numbers in every
 * notation, nested arrays, duplicate keys, CR/LF, envelopes, records larger than the buffer) and generated metric
 * filters, every record must come out with the same origin, id and time, every filter must give the same data point
 * (match, metric value, dimensions), and corrupted inputs must give the same records and the same diagnostics.
 */
class FastRecordParserPropertiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    // ------------------------------------------------------------------------------------------------ generators

    private static final List<String> NAMES = List.of("eventName", "eventSource", "errorCode", "userIdentity", "type",
            "invokedBy", "a", "b", "c", "eventID", "eventTime", "requestParameters", "é", "x y", "MFAUsed",
            "additionalEventData", "detail", "detail-type", "Records", "@timestamp", "ev\\u0065ntName", "");

    private static final List<String> STRINGS = List.of("\"ConsoleLogin\"", "\"Console\\u004cogin\"", "\"AccessDenied\"",
            "\"Client.UnauthorizedOperation\"", "\"Root\"", "\"\"", "\"a\\\"b\\\\c\\/d\"", "\"é\"", "\"\\u00e9\"", "\"😀\"",
            "\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"tab\\there\\n\\r\\b\\f\"", "\"1500\"", "\"-1.5\"", "\"1e3\"", "\"Yes\"",
            "\"No\"", "\"2024-01-01T00:00:00Z\"", "\"2024-01-01T00:05:00.123Z\"", "\"AWS API Call via CloudTrail\"",
            "\"s3.amazonaws.com\"", "\"日本語\"", "\"x\\u0000y\"");

    private static final List<String> NUMBERS = List.of("0", "-0", "1", "-1", "1.5", "1500", "1.5e3", "1.5E+3", "15E-1",
            "0.0001", "-0.0", "2147483648", "-9223372036854775809", "123456789012345678901234567890", "1e400", "4.9e-325");

    private static Arbitrary<String> value(int depth) {
        List<Arbitrary<String>> choices = new ArrayList<>(List.of(Arbitraries.of(STRINGS), Arbitraries.of(NUMBERS),
                Arbitraries.of("true", "false", "null")));
        if (depth < 4) {
            choices.add(Arbitraries.lazy(() -> object(depth + 1)));
            choices.add(Arbitraries.lazy(() -> value(depth + 1)).list().ofMaxSize(4)
                    .flatMap(items -> ws().list().ofSize(items.size() * 2 + 2).map(w -> join("[", "]", items, w))));
        }
        return Arbitraries.oneOf(choices);
    }

    private static Arbitrary<String> ws() {
        return Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("")), Tuple.of(1, Arbitraries.of(" ", "\n", "\r\n", "\t", "\r", "  \n ")));
    }

    private static String join(String open, String close, List<String> items, List<String> w) {
        StringBuilder sb = new StringBuilder(open).append(w.get(0));
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                sb.append(w.get(2 * i)).append(',');
            }
            sb.append(w.get(2 * i + 1)).append(items.get(i));
        }
        return sb.append(w.get(w.size() - 1)).append(close).toString();
    }

    private static Arbitrary<String> member(int depth) {
        return Combinators.combine(Arbitraries.of(NAMES), ws(), ws(), value(depth))
                .as((n, w1, w2, v) -> "\"" + n + "\"" + w1 + ":" + w2 + v);
    }

    private static Arbitrary<String> object(int depth) {
        return member(depth).list().ofMaxSize(depth == 0 ? 10 : 4)
                .flatMap(ms -> ws().list().ofSize(ms.size() * 2 + 2).map(w -> join("{", "}", ms, w)));
    }

    /** A record: generated members (names repeat, so keys are often duplicated) plus usual CloudTrail fields. */
    private static Arbitrary<String> record() {
        Arbitrary<String> usual = Arbitraries.of("\"eventName\":\"ConsoleLogin\"", "\"eventSource\":\"s3.amazonaws.com\"",
                "\"errorCode\":\"AccessDenied\"", "\"userIdentity\":{\"type\":\"Root\",\"arn\":\"x\"}",
                "\"eventTime\":\"2024-01-01T00:00:10Z\"", "\"additionalEventData\":{\"MFAUsed\":\"No\"}",
                "\"requestParameters\":{\"policy\":\"{\\\"Version\\\":\\\"2012-10-17\\\"}\",\"list\":[1,[2,[3]],{}]}");
        Arbitrary<String> pad = Arbitraries.frequencyOf(Tuple.of(20, Arbitraries.just("")),
                Tuple.of(1, Arbitraries.integers().between(60_000, 140_000).map(n -> ",\"pad\":\"" + "p".repeat(n) + "\"")));
        return Combinators.combine(usual.list().ofMaxSize(6), object(0), Arbitraries.integers().between(0, 99999), pad)
                .as((u, o, id, p) -> {
                    String members = String.join(",", u);
                    String inner = o.substring(1, o.length() - 1);
                    String head = "{\"eventID\":\"id-" + id + "\"" + (members.isEmpty() ? "" : "," + members);
                    return inner.isBlank() ? head + p + "}" : head + "," + inner + p + "}";
                });
    }

    @Provide
    Arbitrary<String> inputs() {
        return Combinators.combine(record().list().ofMinSize(1).ofMaxSize(6), Arbitraries.integers().between(0, 2))
                .as((rs, shape) -> switch (shape) {
                    case 0 -> "{\"Records\":[\n" + String.join(",\n", rs) + "]}\n";
                    case 1 -> String.join("\n", rs) + "\n";
                    default -> "[" + String.join(" , ", rs) + "]";
                });
    }

    private static final List<String> SELECTORS = List.of("$.eventName", "$.eventSource", "$.errorCode", "$.userIdentity.type",
            "$.userIdentity.invokedBy", "$.userIdentity", "$.a", "$.a[0]", "$.a[1]", "$.a[0].b", "$.a[1][0]", "$.b.c[2]",
            "$.c", "$.additionalEventData.MFAUsed", "$.requestParameters.list[1][1][0]", "$.type", "$.x-y", "$.eventTime");
    private static final List<String> TESTS = List.of("= \"ConsoleLogin\"", "= Console*", "= *Login", "= *ess*", "!= \"Root\"",
            "= \"Root\"", "= 1500", "= 1.5e3", ">= 0", "< 1", "!= 1", "= \"é\"", "= \"😀\"", "= *", "IS NULL", "NOT EXISTS",
            "IS TRUE", "IS FALSE", "= %Log.n%", "= \"\"", "= \"1500\"", "= true", "= 0", "= -1");

    @Provide
    Arbitrary<List<MetricFilter>> filters() {
        Arbitrary<String> cond = Combinators.combine(Arbitraries.of(SELECTORS), Arbitraries.of(TESTS)).as((s, t) -> s + " " + t);
        Arbitrary<String> pattern = Combinators.combine(cond.list().ofMinSize(1).ofMaxSize(3), Arbitraries.of(" && ", " || "))
                .as((cs, op) -> "{ " + String.join(op, cs) + " }");
        Arbitrary<MetricFilter> filter = Combinators.combine(pattern, Arbitraries.of("1", "$.a[0]", "$.c", "$.b.c[2]"),
                Arbitraries.of(Map.<String, String>of(), Map.of("Name", "$.eventName"), Map.of("T", "$.userIdentity.type")))
                .as((p, v, d) -> {
                    try {
                        return new MetricFilter("f", FilterPattern.parse(p), "m", "ns", v, null, d);
                    } catch (FilterPatternException e) {
                        return null;
                    }
                });
        return filter.filter(f -> f != null).list().ofMinSize(1).ofMaxSize(5);
    }

    // ------------------------------------------------------------------------------------------------ properties

    @Property(tries = 400)
    void projectedReadsGiveTheWholeReadsRecordsAndDataPoints(@ForAll("inputs") String input,
                                                            @ForAll("filters") List<MetricFilter> filters) throws IOException {
        byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
        assertSameRun(bytes, filters, false);
    }

    @Property(tries = 600)
    void corruptedInputsGiveTheSameRecordsAndDiagnostics(@ForAll("inputs") String input,
                                                         @ForAll("filters") List<MetricFilter> filters,
                                                         @ForAll("edits") List<int[]> edits) throws IOException {
        byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
        for (int[] e : edits) {
            bytes = edit(bytes, e);
        }
        Assume.that(bytes.length > 0);
        assertSameRun(bytes, filters, false);
    }

    @Property(tries = 100)
    void gzippedAndTruncatedInputsGiveTheSameRecords(@ForAll("inputs") String input, @ForAll("filters") List<MetricFilter> filters,
                                                      @ForAll("cut") int cut) throws IOException {
        byte[] gz = gzip(input.getBytes(StandardCharsets.UTF_8));
        byte[] truncated = Arrays.copyOf(gz, Math.max(10, gz.length - cut));
        assertSameRun(truncated, filters, cut > 0);
    }

    @Provide
    Arbitrary<Integer> cut() {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(0)), Tuple.of(3, Arbitraries.integers().between(1, 400)));
    }

    @Provide
    Arbitrary<List<int[]>> edits() {
        Arbitrary<int[]> edit = Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.integers().between(0, 1 << 20),
                Arbitraries.of((int) '"', (int) '\\', (int) '{', (int) '}', (int) '[', (int) ']', (int) ',', (int) ':', 0x00, 0x1f,
                        0x7f, 0x80, 0xc3, 0xe2, 0xed, 0xf0, 0xf4, 0xff, (int) ' ', (int) '\n', (int) '\r', (int) 'x', (int) '0',
                        (int) '-', (int) '.', (int) 'e', (int) 'u', (int) 't', (int) 'n'))
                .as((kind, at, b) -> new int[] {kind, at, b});
        return edit.list().ofMinSize(1).ofMaxSize(3);
    }

    private static byte[] edit(byte[] in, int[] e) {
        if (in.length == 0) {
            return in;
        }
        int at = e[1] % in.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(in, 0, at);
        switch (e[0]) {
            case 0 -> out.write(in, at + 1, in.length - at - 1); // delete
            case 1 -> { // insert
                out.write(e[2]);
                out.write(in, at, in.length - at);
            }
            default -> { // replace
                out.write(e[2]);
                out.write(in, at + 1, in.length - at - 1);
            }
        }
        return out.toByteArray();
    }

    private record Read(List<String> records, List<String> diagnostics) {}

    /**
     * Reads {@code bytes} twice, whole with Jackson and projected onto the filters' paths, and asserts the same
     * records (origin, id, time, each filter's data point) and the same diagnostics; for an I/O failure (a truncated
     * gzip stream) the diagnostic's column is where reading stopped, which depends on buffer sizes, so only its line
     * and text are compared.
     */
    private static void assertSameRun(byte[] bytes, List<MetricFilter> filters, boolean ioFailure) {
        List<List<Object>> paths = new ArrayList<>();
        for (MetricFilter f : filters) {
            paths.addAll(f.jsonPaths());
        }
        Read whole = read(bytes, filters, null);
        Read projected = read(bytes, filters, Projection.of(paths));
        assertThat(projected.records()).isEqualTo(whole.records());
        if (ioFailure) {
            assertThat(projected.diagnostics().stream().map(FastRecordParserPropertiesTest::withoutColumn).toList())
                    .isEqualTo(whole.diagnostics().stream().map(FastRecordParserPropertiesTest::withoutColumn).toList());
        } else {
            assertThat(projected.diagnostics()).isEqualTo(whole.diagnostics());
        }
    }

    private static String withoutColumn(String d) {
        return d.replaceFirst("^(<stdin>:\\d+):\\d+:", "$1:");
    }

    private static Read read(byte[] bytes, List<MetricFilter> filters, Projection projection) {
        List<String> records = new ArrayList<>();
        List<String> diagnostics = new ArrayList<>();
        try (EventSource s = projection == null
                ? EventSource.of(List.of("-"), new ByteArrayInputStream(bytes), (Diagnostic d) -> diagnostics.add(d.render()))
                : EventSource.of(List.of("-"), new ByteArrayInputStream(bytes), (Diagnostic d) -> diagnostics.add(d.render()), projection)) {
            while (s.hasNext()) {
                Event e = s.next();
                StringBuilder sb = new StringBuilder(e.origin() + " " + e.eventId() + " " + e.eventTime());
                gatehouse.monitor.filter.Event fe = gatehouse.monitor.filter.Event.ofJson(e.record());
                for (MetricFilter f : filters) {
                    Optional<?> d = f.apply(fe);
                    sb.append(" | ").append(d.map(Object::toString).orElse("-"));
                }
                records.add(sb.toString());
            }
        }
        return new Read(records, diagnostics);
    }

    private static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------------------------------------------ examples

    private static Projection cis() {
        return Projection.of(List.of(List.of("eventName"), List.of("userIdentity", "type"), List.of("a", 1)));
    }

    /** The shortcut must actually take ordinary records, else the properties above compare Jackson with itself. */
    @Test
    void ordinaryRecordsAreReadByTheShortcutAndOthersAreLeftToJackson() throws IOException {
        String in = "{\"Records\":[{\"eventID\":\"1\",\"eventName\":\"Console\\u004cogin\",\"userIdentity\":{\"type\":\"Root\","
                + "\"sessionContext\":{\"x\":[1,2,{\"y\":null}]}},\"a\":[10, 1.5e3, 30],\"requestParameters\":{\"k\":\"é😀\"}},\n"
                + "{\"eventID\":\"2\",\"detail\":{}},\n"
                + "{\"eventID\":\"3\",\"eventName\":\"x\",\"eventName\":\"y\"}]}";
        try (JsonParser p = FastRecordParser.open(JSON, new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)))) {
            assertThat(p).isInstanceOf(FastRecordParser.class);
            FastRecordParser f = (FastRecordParser) p;
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            assertThat(p.nextToken()).isEqualTo(JsonToken.FIELD_NAME);
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_ARRAY);
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            var r1 = f.record(cis().root);
            assertThat(r1).isNotNull();
            assertThat(r1.toString()).isEqualTo("{\"eventID\":\"1\",\"eventName\":\"ConsoleLogin\",\"userIdentity\":{\"type\":\"Root\"},"
                    + "\"a\":[null,1500.0]}");
            assertThat(p.currentToken()).isEqualTo(JsonToken.END_OBJECT);
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            assertThat(p.currentTokenLocation().getLineNr()).isEqualTo(2);
            assertThat(f.record(cis().root)).as("an envelope is Jackson's").isNull();
            assertThat(JSON.readTree(p).toString()).isEqualTo("{\"eventID\":\"2\",\"detail\":{}}");
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            assertThat(f.record(cis().root).toString()).as("the last duplicate wins")
                    .isEqualTo("{\"eventID\":\"3\",\"eventName\":\"y\"}");
            assertThat(p.nextToken()).isEqualTo(JsonToken.END_ARRAY);
            assertThat(p.nextToken()).isEqualTo(JsonToken.END_OBJECT);
            assertThat(p.nextToken()).isNull();
        }
    }

    @Test
    void aByteOrderMarkOrAnotherEncodingIsLeftToJackson() throws IOException {
        byte[] bom = "\uFEFF{\"eventID\":\"1\"}".getBytes(StandardCharsets.UTF_8);
        byte[] utf16 = "{\"eventID\":\"1\"}".getBytes(StandardCharsets.UTF_16LE);
        for (byte[] b : List.of(bom, utf16, new byte[] {'{', '}'})) {
            try (JsonParser p = FastRecordParser.open(JSON, new ByteArrayInputStream(b))) {
                assertThat(p).isNotInstanceOf(FastRecordParser.class);
                assertThat(JSON.readTree(p).isObject()).isTrue();
            }
        }
    }

    @Test
    void specialsFlagsExactlyTheBytesAStringCannotHoldAsTheyAre() {
        for (int c = 0; c < 256; c++) {
            for (int pos = 0; pos < 8; pos++) {
                long w = 0x6161616161616161L & ~(0xffL << (8 * pos)) | ((long) c << (8 * pos));
                long m = FastRecordParser.specials(w);
                boolean plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
                assertThat(m == 0).as("byte %02x at %d", c, pos).isEqualTo(plain);
                if (!plain) {
                    assertThat(Long.numberOfTrailingZeros(m) >>> 3).isEqualTo(pos);
                }
            }
        }
    }
}
