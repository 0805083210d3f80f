package gatehouse.pipeline.merge;

import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Position;
import java.util.Comparator;

/**
 * One loaded fragment: its path (relative to the spec's base directory, '/'-separated, as shown in findings),
 * its owner and that owner's rank (0 highest), its text (for excerpts) and its document.
 */
public record Fragment(String path, String owner, int rank, String text, MapValue root) {
    /** Merge order: precedence, then path. It makes the result independent of the order fragments are given in. */
    public static final Comparator<Fragment> ORDER = Comparator.comparingInt(Fragment::rank).thenComparing(Fragment::path);

    /** {@code path:line:col} with a 1-based column, for messages. */
    public String at(Position p) {
        return path + ":" + Math.max(1, p.line()) + ":" + (p.column() + 1);
    }
}
