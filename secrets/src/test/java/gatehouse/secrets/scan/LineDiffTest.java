package gatehouse.secrets.scan;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.secrets.detect.Fragment;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LineDiffTest {
    @Test
    void onlyAddedLinesWithContextAreScannedAtTheirRealLineNumbers() {
        StringBuilder old = new StringBuilder();
        for (int i = 1; i <= 20; i++) {
            old.append("line ").append(i).append('\n');
        }
        String now = old.toString().replace("line 10\n", "line 10\nADDED\n");
        List<Fragment> parts = LineDiff.addedWindows(now, LineDiff.hashes(now), LineDiff.hashes(old.toString()), "f", "c");
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).firstLine()).isEqualTo(9);
        assertThat(parts.get(0).text()).isEqualTo("line 9\nline 10\nADDED\nline 11\nline 12");
        assertThat(LineDiff.addedWindows(old.toString(), LineDiff.hashes(old.toString()), LineDiff.hashes(old.toString()),
                "f", "c")).isEmpty();
    }

    /** Every added line is inside exactly one window, and each window's text is the file's text at those lines. */
    @Property(tries = 200)
    void windowsCoverEveryAddedLine(@ForAll @IntRange(min = 0, max = 100_000) int seed) {
        java.util.Random r = new java.util.Random(seed);
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        int n = 1 + r.nextInt(60);
        for (int i = 0; i < n; i++) {
            String l = "l" + r.nextInt(30);
            if (r.nextInt(4) > 0) {
                a.append(l).append('\n');
            }
            b.append(r.nextInt(5) == 0 ? "new" + i : l).append('\n');
        }
        String now = b.toString();
        String[] nowLines = now.split("\n", -1);
        List<Fragment> parts = LineDiff.addedWindows(now, LineDiff.hashes(now), LineDiff.hashes(a.toString()), "f", "c");
        java.util.Set<String> old = new java.util.HashSet<>(List.of(a.toString().split("\n", -1)));
        for (int i = 0; i < nowLines.length; i++) {
            int line = i + 1;
            boolean added = !old.contains(nowLines[i]);
            long covering = parts.stream().filter(p -> line >= p.firstLine()
                    && line < p.firstLine() + p.text().split("\n", -1).length).count();
            if (added) {
                assertThat(covering).as("line " + line).isEqualTo(1);
            }
        }
        for (Fragment p : parts) {
            String[] pl = p.text().split("\n", -1);
            for (int j = 0; j < pl.length; j++) {
                assertThat(pl[j]).isEqualTo(nowLines[p.firstLine() - 1 + j]);
            }
        }
    }
}
