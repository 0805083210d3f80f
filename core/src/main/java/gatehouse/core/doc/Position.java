package gatehouse.core.doc;

/**
 * Where a value starts in its source document.
 *
 * <p>{@code line} is 1-based. {@code column} follows cfn-guard's convention so that positions
 * printed in drop-in output ({@code [L:13,C:6]}) agree with it: it is the 0-based column of the
 * first character of the node as reported by the YAML/JSON parser. {@link #NONE} marks values that
 * have no source (literals built by a rule, function results).
 */
public record Position(int line, int column) {
    /** A value with no source location (cfn-guard prints it as {@code L:0,C:0}). */
    public static final Position NONE = new Position(0, 0);

    public Position {
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("negative position " + line + ":" + column);
        }
    }
}
