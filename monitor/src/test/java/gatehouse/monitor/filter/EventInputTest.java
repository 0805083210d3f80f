package gatehouse.monitor.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import gatehouse.core.InputException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The input shapes {@link EventInput} recognises, their line numbers, and its errors. */
class EventInputTest {
    record Read(EventInput.Format format, List<String> events) {}

    static Read read(byte[] data) throws IOException {
        List<String> out = new ArrayList<>();
        EventInput.Format f = EventInput.read(new ByteArrayInputStream(data), "in",
                e -> out.add(e.index() + "@" + e.line() + " " + e.event().text()));
        return new Read(f, out);
    }

    static Read read(String s) throws IOException {
        return read(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void cloudTrailLogFile() throws IOException {
        Read r = read("{\"Records\":[{\"eventName\":\"A\"},\n{\"eventName\":\"B\"}], \"extra\": {\"x\": [1]}}");
        assertThat(r.format()).isEqualTo(EventInput.Format.CLOUDTRAIL);
        assertThat(r.events()).containsExactly("1@1 {\"eventName\":\"A\"}", "2@2 {\"eventName\":\"B\"}");
    }

    @Test
    void gzipIsDetectedByMagicBytes() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(b)) {
            g.write("ERROR one\nINFO two\n".getBytes(StandardCharsets.UTF_8));
        }
        Read r = read(b.toByteArray());
        assertThat(r.format()).isEqualTo(EventInput.Format.TEXT);
        assertThat(r.events()).containsExactly("1@1 ERROR one", "2@2 INFO two");
    }

    @Test
    void jsonLinesAndPrettyPrintedObjects() throws IOException {
        Read r = read("{\"a\": 1}\n{\n  \"Records\": 5,\n  \"b\": 2\n}\n");
        assertThat(r.format()).isEqualTo(EventInput.Format.JSON_OBJECTS);
        assertThat(r.events()).containsExactly("1@1 {\"a\":1}", "2@2 {\"Records\":5,\"b\":2}");
    }

    @Test
    void jsonArrayOfObjectsAndStrings() throws IOException {
        Read r = read("[\n {\"a\": 1},\n \"[ERROR] text event\"\n]");
        assertThat(r.format()).isEqualTo(EventInput.Format.JSON_ARRAY);
        assertThat(r.events()).containsExactly("1@2 {\"a\":1}", "2@3 [ERROR] text event");
    }

    @Test
    void textLinesThatStartWithABracketStayText() throws IOException {
        Read r = read("[ERROR 400] BAD REQUEST\r\n\n[10/Oct/2000:13:25:15 -0700] x\n");
        assertThat(r.format()).isEqualTo(EventInput.Format.TEXT);
        assertThat(r.events()).containsExactly("1@1 [ERROR 400] BAD REQUEST", "2@3 [10/Oct/2000:13:25:15 -0700] x");
    }

    @Test
    void malformedJsonAndCorruptGzipAreInputErrors() {
        InputException e = catchThrowableOfType(InputException.class, () -> read("{\"a\": 1}\n{\"b\": ]"));
        assertThat(e.first().headline()).startsWith("in:2:7: error: malformed JSON: ");
        InputException n = catchThrowableOfType(InputException.class, () -> read("{\"a\": 1}\n[1]"));
        assertThat(n.first().headline()).isEqualTo("in:2:1: error: expected a JSON object (an event) but found [");
        InputException g = catchThrowableOfType(InputException.class,
                () -> read(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3}));
        assertThat(g.first().headline()).startsWith("in:1:1: error: corrupt gzip data");
    }
}
