package gatehouse.monitor.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class OffsetWindowDedupeTest {
    @Test
    void aRepeatIsDroppedOnlyWithinTheWindowOfPrecedingOffsets() {
        OffsetWindowDedupe d = new OffsetWindowDedupe(3);
        assertThat(d.firstSeen("a", 0)).isTrue();
        assertThat(d.firstSeen("b", 1)).isTrue();
        assertThat(d.firstSeen("a", 3)).as("offset 0 is within 3 before offset 3").isFalse();
        assertThat(d.firstSeen("b", 5)).as("offset 1 is more than 3 before offset 5").isTrue();
        assertThat(d.firstSeen(null, 6)).isTrue();
        assertThat(d.firstSeen(null, 7)).isTrue();
        assertThat(d.size()).isLessThanOrEqualTo(3);
    }

    @Test
    void aWindowOfZeroKeepsEverything() {
        OffsetWindowDedupe d = new OffsetWindowDedupe(0);
        assertThat(d.firstSeen("a", 0)).isTrue();
        assertThat(d.firstSeen("a", 1)).isTrue();
        assertThat(d.size()).isZero();
    }

    /**
     * The property the Kafka source relies on: an owner that starts at any offset and first replays the window of
     * records before it decides about every later record exactly as an owner that read the partition from the
     * start. Offsets have gaps, as compaction and transaction markers leave.
     */
    @Property(tries = 300)
    void decisionsAfterAHandoverEqualThoseOfAnUninterruptedRead(@ForAll("logs") List<String> ids,
            @ForAll @IntRange(min = 0, max = 12) int window, @ForAll @IntRange(min = 0, max = 60) int handoverIndex,
            @ForAll @IntRange(min = 1, max = 3) int gap) {
        int start = Math.min(handoverIndex, ids.size());
        long[] offsets = new long[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            offsets[i] = (long) i * gap;
        }
        OffsetWindowDedupe whole = new OffsetWindowDedupe(window);
        List<Boolean> expected = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            expected.add(whole.firstSeen(ids.get(i), offsets[i]));
        }
        long startOffset = start < ids.size() ? offsets[start] : (long) ids.size() * gap;
        OffsetWindowDedupe resumed = new OffsetWindowDedupe(window);
        for (int i = 0; i < start; i++) {
            if (offsets[i] >= startOffset - window) { // what the source re-reads on assignment
                resumed.remember(ids.get(i), offsets[i]);
            }
        }
        for (int i = start; i < ids.size(); i++) {
            assertThat(resumed.firstSeen(ids.get(i), offsets[i])).as("record %d", i).isEqualTo(expected.get(i));
        }
    }

    @Provide
    Arbitrary<List<String>> logs() {
        return Arbitraries.of("e1", "e2", "e3", "e4", "e5", "e6", null).list().ofMaxSize(60);
    }
}
