package gatehouse.core;

import java.util.Comparator;
import java.util.Objects;

/**
 * A place in a source file for diagnostics. Lines and columns are 1-based; {@code endColumn} is
 * exclusive. A span of a whole file without a better place uses line 1, column 1.
 */
public record SourceSpan(String file, int line, int column, int endLine, int endColumn) {
    public static final Comparator<SourceSpan> ORDER = Comparator.comparing(SourceSpan::file)
            .thenComparingInt(SourceSpan::line).thenComparingInt(SourceSpan::column);

    public SourceSpan {
        Objects.requireNonNull(file, "file");
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("1-based: " + line + ":" + column);
        }
        if (endLine < line || (endLine == line && endColumn < column)) {
            throw new IllegalArgumentException("end before start");
        }
    }

    /** A one-character span. */
    public static SourceSpan at(String file, int line, int column) {
        return new SourceSpan(file, Math.max(1, line), Math.max(1, column), Math.max(1, line), Math.max(1, column) + 1);
    }

    /** The only user-facing form: {@code path:line:col}. */
    public String display() {
        return file + ":" + line + ":" + column;
    }
}
