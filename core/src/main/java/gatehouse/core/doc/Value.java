package gatehouse.core.doc;

/**
 * A JSON/YAML value that remembers where it came from: its data path (a JSON-pointer-like string
 * such as {@code /Resources/MyBucket/Properties}, the empty string for the root) and its source
 * {@link Position}.
 *
 * <p>Values are immutable and thread-safe. The document types are the closed set below;
 * {@link Extension} lets a language layer add its own literal kinds (regexes, ranges, characters in
 * Guard) without the document model knowing about them.
 */
public sealed interface Value
        permits MapValue, ListValue, StringValue, IntValue, FloatValue, BoolValue, NullValue, Value.Extension {

    /** The data path of this value; {@code ""} for a document root. */
    String path();

    /** Where the value starts in its source; {@link Position#NONE} when it has none. */
    Position position();

    /** A short, stable name of the value's kind, used in messages ({@code "map"}, {@code "string"}, ...). */
    String kindName();

    /** Values added by a language layer on top of the document model. */
    non-sealed interface Extension extends Value {}

    /** Appends one segment to a data path, escaping {@code ~} and {@code /} as JSON Pointer does. */
    static String childPath(String parent, String key) {
        if (key.indexOf('~') < 0 && key.indexOf('/') < 0) {
            return parent + "/" + key;
        }
        return parent + "/" + key.replace("~", "~0").replace("/", "~1");
    }

    /** Appends a list index to a data path. */
    static String childPath(String parent, int index) {
        return parent + "/" + index;
    }
}
