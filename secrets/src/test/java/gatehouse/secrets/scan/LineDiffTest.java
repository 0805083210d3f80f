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
        List<Fragment> parts = windows(now, old.toString());
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).firstLine()).isEqualTo(9);
        assertThat(parts.get(0).text()).isEqualTo("line 9\nline 10\nADDED\nline 11\nline 12");
        assertThat(windows(old.toString(), old.toString())).isEmpty();
    }

    static List<Fragment> windows(String now, String old) {
        byte[] b = now.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return LineDiff.addedWindows(b, LineDiff.lines(b), LineDiff.lines(old.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hashes(),
                "f", "c");
    }

    @Test
    void linesAreFoundAndHashedAWordAtATimeWhateverTheirLengthAndBytes() {
        byte[] b = "a\n\nlong line of more than eight bytes\r\n\u00e9\u00e9\ud83d\ude00\nend".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        LineDiff.Lines l = LineDiff.lines(b);
        assertThat(l.count()).isEqualTo(5);
        assertThat(l.starts()).containsExactly(0, 2, 3, 39, 48, b.length + 1);
        assertThat(l.hashes()[1]).isNotEqualTo(l.hashes()[0]);
        assertThat(LineDiff.lines("x".getBytes()).hashes()).hasSize(1);
        assertThat(LineDiff.lines(new byte[0]).hashes()).hasSize(1);
        // equal lines hash equal wherever they sit; a one-byte change changes the hash
        byte[] c = "12345678901234567\nzz\n12345678901234567\n12345678901234568".getBytes();
        long[] h = LineDiff.lines(c).hashes();
        assertThat(h[0]).isEqualTo(h[2]).isNotEqualTo(h[3]);
        // a vertical tab (0x0B) right after a newline: a word-at-a-time newline test's borrow must not count it
        byte[] vt = "ab\n\u000bcd\n\n\u000b\u000b\n\u000bxyzwvut\n".getBytes();
        LineDiff.Lines v = LineDiff.lines(vt);
        assertThat(v.count()).isEqualTo(6);
        assertThat(v.starts()).containsExactly(0, 3, 7, 8, 11, 20, vt.length + 1);
    }

    @Property(tries = 300)
    void linesAreExactlyTheNewlineSeparatedParts(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        java.util.Random r = new java.util.Random(seed);
        byte[] b = new byte[r.nextInt(r.nextBoolean() ? 200 : 40)];
        byte[] alphabet = {'\n', '\n', 0x0b, 0x0a, 'a', 'b', 0, (byte) 0xff, 0x09};
        for (int i = 0; i < b.length; i++) {
            b[i] = alphabet[r.nextInt(alphabet.length)];
        }
        LineDiff.Lines l = LineDiff.lines(b);
        java.util.List<Integer> starts = new java.util.ArrayList<>(java.util.List.of(0));
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                starts.add(i + 1);
            }
        }
        starts.add(b.length + 1);
        assertThat(l.count()).isEqualTo(starts.size() - 1);
        assertThat(l.starts()).containsExactly(starts.stream().mapToInt(Integer::intValue).toArray());
        boolean ascii = true;
        for (byte x : b) {
            ascii &= x >= 0;
        }
        assertThat(l.ascii()).isEqualTo(ascii);
        // hashed as it is split, each line's hash is the hash of its bytes alone
        for (int i = 0; i < l.count(); i++) {
            assertThat(l.hashes()[i]).isEqualTo(LineDiff.hash(b, starts.get(i), starts.get(i + 1) - 1));
        }
    }

    @Property(tries = 300)
    void binaryMeansAZeroByteInTheFirst8000(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        java.util.Random r = new java.util.Random(seed);
        byte[] b = new byte[r.nextInt(r.nextBoolean() ? 40 : 9000)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (1 + r.nextInt(255)); // any byte but zero, 0x01 and 0x80 included
        }
        if (b.length > 0 && r.nextBoolean()) {
            b[r.nextInt(b.length)] = 0;
        }
        boolean expected = false;
        for (int i = 0; i < Math.min(b.length, 8000); i++) {
            expected |= b[i] == 0;
        }
        assertThat(SecretsScanner.binary(b)).isEqualTo(expected);
    }

    @Test
    void windowsDecodeAsTheWholeFileWouldEvenWithBrokenUtf8() {
        byte[] old = "one\ntwo\n".getBytes();
        byte[] now = {'o', 'n', 'e', '\n', (byte) 0xC3, '\n', 't', 'w', 'o', (byte) 0xE2, (byte) 0x82, '\n', 'x', '\n'};
        List<Fragment> parts = LineDiff.addedWindows(now, LineDiff.lines(now), LineDiff.lines(old).hashes(), "f", "c");
        String whole = new String(now, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).firstLine()).isEqualTo(1);
        assertThat(parts.get(0).text()).isEqualTo(whole).contains("\uFFFD");
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
        List<Fragment> parts = windows(now, a.toString());
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

    /**
     * The windows are exactly those of the definition — each line the old version lacks anywhere, widened by the
     * context and merged — for edits that keep a shared head and tail (the lines skipped without a lookup), move
     * lines, repeat them, or rewrite most of the file (both ways of looking a line up).
     */
    @Property(tries = 300)
    void windowsAreExactlyTheDefinitions(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
        java.util.Random r = new java.util.Random(seed);
        List<String> old = new java.util.ArrayList<>();
        int n = r.nextInt(300);
        for (int i = 0; i < n; i++) {
            old.add("l" + r.nextInt(r.nextBoolean() ? 20 : 100_000));
        }
        List<String> now = new java.util.ArrayList<>(old);
        int edits = r.nextInt(4) == 0 ? r.nextInt(200) : r.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = now.isEmpty() ? 0 : r.nextInt(now.size() + 1);
            switch (r.nextInt(4)) {
                case 0 -> now.add(at, "new" + r.nextInt(50));
                case 1 -> now.add(at, old.isEmpty() ? "x" : old.get(r.nextInt(old.size())));
                case 2 -> {
                    if (at < now.size()) {
                        now.remove(at);
                    }
                }
                default -> {
                    if (at < now.size()) {
                        now.set(at, "changed" + r.nextInt(50));
                    }
                }
            }
        }
        String nowText = String.join("\n", now);
        String oldText = String.join("\n", old);
        String[] nowLines = nowText.split("\n", -1);
        java.util.Set<String> had = new java.util.HashSet<>(List.of(oldText.split("\n", -1)));
        List<int[]> expected = new java.util.ArrayList<>();
        for (int i = 0; i < nowLines.length; i++) {
            if (had.contains(nowLines[i])) {
                continue;
            }
            int a = Math.max(0, i - LineDiff.CONTEXT);
            int b = Math.min(nowLines.length - 1, i + LineDiff.CONTEXT);
            if (!expected.isEmpty() && a <= expected.get(expected.size() - 1)[1] + 1) {
                expected.get(expected.size() - 1)[1] = Math.max(expected.get(expected.size() - 1)[1], b);
            } else {
                expected.add(new int[] {a, b});
            }
        }
        List<Fragment> parts = windows(nowText, oldText);
        assertThat(parts.stream().map(p -> (p.firstLine() - 1) + ".." + (p.firstLine() - 2 + p.text().split("\n", -1).length)).toList())
                .isEqualTo(expected.stream().map(w -> w[0] + ".." + w[1]).toList());
    }
}
