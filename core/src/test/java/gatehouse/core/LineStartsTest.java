package gatehouse.core;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LineStartsTest {
    @Test
    void linesColumnsAndBounds() {
        LineStarts l = LineStarts.of("ab\n\ncd\n");
        assertThat(l.count()).isEqualTo(4);
        assertThat(l.line(0)).isEqualTo(1);
        assertThat(l.column(1)).isEqualTo(2);
        assertThat(l.line(2)).as("the newline belongs to its line").isEqualTo(1);
        assertThat(l.line(3)).isEqualTo(2);
        assertThat(l.line(4)).isEqualTo(3);
        assertThat(l.column(5)).isEqualTo(2);
        assertThat(l.line(7)).isEqualTo(4);
        assertThat(l.line(99)).as("past the end: the last line").isEqualTo(4);
        assertThat(l.line(-5)).isEqualTo(1);
        assertThat(l.start(3)).isEqualTo(4);
        assertThat(l.end(3)).isEqualTo(6);
        assertThat(l.end(4)).isEqualTo(7);
        assertThat(LineStarts.of("").count()).isEqualTo(1);
    }

    /** The same line and column as counting newlines from the start, for every offset. */
    @Property(tries = 300)
    void agreesWithAScanFromTheStart(@ForAll @CharRange(from = '\n', to = 'c') String text,
                                     @ForAll @IntRange(min = 0, max = 400) int at) {
        int offset = Math.min(at, text.length());
        int line = 1;
        int col = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        LineStarts l = LineStarts.of(text);
        assertThat(l.line(at)).isEqualTo(line);
        assertThat(l.column(at)).isEqualTo(col);
    }
}
