package gatehouse.monitor.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DedupeTest {
    @TempDir
    Path dir;

    @Test
    void repeatsInsideTheWindowAreDroppedAndIdlessEventsPass() {
        Dedupe d = Dedupe.inMemory(3);
        assertThat(d.firstSeen("a")).isTrue();
        assertThat(d.firstSeen("b")).isTrue();
        assertThat(d.firstSeen("a")).isFalse();
        assertThat(d.firstSeen(null)).isTrue();
        assertThat(d.firstSeen(null)).isTrue();
        assertThat(d.test(new Event(JsonNodeFactory.instance.objectNode(), "x:1", "b", null))).isFalse();
        assertThat(d.dropped()).isEqualTo(2);
    }

    @Test
    void theWindowIsBoundedAndLeastRecentlySeenIdsLeaveFirst() {
        Dedupe d = Dedupe.inMemory(1000);
        IntStream.range(0, 100_000).forEach(i -> d.firstSeen("id-" + i));
        assertThat(d.windowSize()).isEqualTo(1000);
        assertThat(d.firstSeen("id-99999")).isFalse();
        assertThat(d.firstSeen("id-0")).as("evicted long ago: treated as new").isTrue();
    }

    @Test
    void theSeenFileRemembersAcrossRestartsAndKeepsItsSize() throws IOException {
        Path f = dir.resolve("seen.bin");
        try (Dedupe d = Dedupe.withSeenFile(10, f, 65536)) {
            IntStream.range(0, 1000).forEach(i -> assertThat(d.firstSeen("e" + i)).isTrue());
        }
        long size = Files.size(f);
        assertThat(size).isEqualTo(16 + 65536 * 8);
        try (Dedupe d = Dedupe.withSeenFile(10, f, 99)) {
            long repeats = IntStream.range(0, 1000).filter(i -> !d.firstSeen("e" + i)).count();
            assertThat(repeats).as("all remembered: 1000 ids in 65536 slots").isEqualTo(1000);
            assertThat(d.firstSeen("new")).isTrue();
            IntStream.range(0, 50_000).forEach(i -> d.firstSeen("more" + i));
        }
        assertThat(Files.size(f)).as("fixed size whatever the input").isEqualTo(size);
    }

    @Test
    void aFullSeenFileForgetsSomeOldIdsButNeverGrows() throws IOException {
        Path f = dir.resolve("small.bin");
        try (Dedupe d = Dedupe.withSeenFile(1, f, 1024)) {
            IntStream.range(0, 20_000).forEach(i -> d.firstSeen("e" + i));
        }
        try (Dedupe d = Dedupe.withSeenFile(1, f, 1024)) {
            long recent = IntStream.range(19_000, 20_000).filter(i -> !d.firstSeen("e" + i)).count();
            long oldest = IntStream.range(0, 1_000).filter(i -> !d.firstSeen("e" + i)).count();
            assertThat(recent).as("recent ids mostly survive").isGreaterThan(300);
            assertThat(oldest).as("old ids are mostly forgotten").isLessThan(100);
        }
        assertThat(Files.size(f)).isEqualTo(16 + 1024 * 8);
    }

    @Test
    void aFileThatIsNotASeenSetIsRefused() throws IOException {
        Path f = dir.resolve("other.bin");
        Files.writeString(f, "{\"Records\": []}");
        assertThatThrownBy(() -> Dedupe.withSeenFile(10, f, 64)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a Gatehouse seen-set file");
    }
}
