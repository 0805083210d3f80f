package gatehouse.monitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** How a read of one stream ends, and that a cut-short stream read again later yields each record exactly once. */
class BatchReaderTest {
    static String record(int i) {
        return "{\"eventID\":\"e" + i + "\",\"eventTime\":\"2026-12-02T10:00:" + String.format("%02d", i % 60)
                + "Z\",\"eventName\":\"ConsoleLogin\",\"ok\":true}";
    }

    static String trail(int n) {
        StringBuilder sb = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",\n").append(record(i));
        }
        return sb.append("]}").toString();
    }

    static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }

    record Read(BatchReader.Outcome outcome, List<String> ids) {}

    static Read read(byte[] data, long skip) throws Exception {
        return read(data, skip, null);
    }

    static Read read(byte[] data, long skip, Projection keep) throws Exception {
        List<String> ids = new ArrayList<>();
        BatchReader.Outcome o = BatchReader.read("f", new ByteArrayInputStream(data), skip, keep, e -> ids.add(e.eventId()));
        return new Read(o, ids);
    }

    /** The fast reader a run with filters uses gives the same partial progress on a cut file as the whole read. */
    @Test
    void aCutGzipReadWithAProjectionDeliversWhatTheWholeReadDelivers() throws Exception {
        byte[] whole = gzip(trail(400).getBytes(StandardCharsets.UTF_8));
        Projection keep = Projection.ofFields(java.util.Set.of("eventName", "eventTime", "eventID"));
        for (int cut = 1; cut < whole.length; cut += Math.max(1, whole.length / 37)) {
            Read plain = read(Arrays.copyOf(whole, cut), 0);
            Read fast = read(Arrays.copyOf(whole, cut), 0, keep);
            assertThat(fast.outcome().end()).as("cut at %d", cut).isEqualTo(plain.outcome().end());
            assertThat(fast.ids()).as("cut at %d", cut).isEqualTo(plain.ids());
            Read rest = read(whole, fast.outcome().records(), keep);
            assertThat(rest.outcome().end()).isEqualTo(BatchReader.End.COMPLETE);
            assertThat(fast.ids().size() + rest.ids().size()).isEqualTo(400);
        }
    }

    @Test
    void aWholeFileIsComplete() throws Exception {
        Read r = read(gzip(trail(50).getBytes(StandardCharsets.UTF_8)), 0);
        assertThat(r.outcome().end()).isEqualTo(BatchReader.End.COMPLETE);
        assertThat(r.outcome().records()).isEqualTo(50);
        assertThat(r.ids()).hasSize(50).startsWith("e0").endsWith("e49");
    }

    @Test
    void aGzipCutAnywhereIsPartialAndTheCompletedFileGivesEveryRecordOnceAfterTheSkip() throws Exception {
        byte[] whole = gzip(trail(400).getBytes(StandardCharsets.UTF_8));
        for (int cut = 1; cut < whole.length; cut += Math.max(1, whole.length / 37)) {
            Read first = read(Arrays.copyOf(whole, cut), 0);
            assertThat(first.outcome().end()).as("cut at %d", cut).isEqualTo(BatchReader.End.PARTIAL);
            Read rest = read(whole, first.outcome().records());
            assertThat(rest.outcome().end()).isEqualTo(BatchReader.End.COMPLETE);
            List<String> all = new ArrayList<>(first.ids());
            all.addAll(rest.ids());
            assertThat(all).as("cut at %d", cut).hasSize(400).doesNotHaveDuplicates();
        }
    }

    @Test
    void jsonLinesCutInsideARecordOrALiteralArePartial() throws Exception {
        String lines = record(1) + "\n" + record(2) + "\n";
        for (String tail : new String[] {"{\"eventID\":\"e3\",\"ok\":tr", "{\"eventID\":\"e3\",\"even", "{\"eventID\"", "{"}) {
            Read r = read((lines + tail).getBytes(StandardCharsets.UTF_8), 0);
            assertThat(r.outcome().end()).as(tail).isEqualTo(BatchReader.End.PARTIAL);
            assertThat(r.outcome().records()).isEqualTo(2);
            assertThat(r.ids()).containsExactly("e1", "e2");
        }
    }

    @Test
    void aSyntaxErrorBeforeTheEndIsMalformedWithItsPosition() throws Exception {
        String text = record(1) + "\n{\"eventID\": \"x\", oops}\n" + record(3) + "\n" + record(4) + "\n" + "x".repeat(100) + "\n";
        Read r = read(text.getBytes(StandardCharsets.UTF_8), 0);
        assertThat(r.outcome().end()).isEqualTo(BatchReader.End.MALFORMED);
        assertThat(r.outcome().records()).isEqualTo(1);
        assertThat(r.outcome().problem().headline()).startsWith("f:2:18: error: invalid JSON");
    }

    @Test
    void theSinkCanStopAndTheNextReadGoesOnFromThere() throws Exception {
        byte[] data = trail(10).getBytes(StandardCharsets.UTF_8);
        List<String> ids = new ArrayList<>();
        BatchReader.Outcome o = BatchReader.read("f", new ByteArrayInputStream(data), 0, null, e -> ids.add(e.eventId()) && ids.size() < 4);
        assertThat(o.end()).isEqualTo(BatchReader.End.STOPPED);
        assertThat(o.records()).isEqualTo(4);
        Read rest = read(data, o.records());
        assertThat(rest.ids()).containsExactly("e4", "e5", "e6", "e7", "e8", "e9");
    }
}
