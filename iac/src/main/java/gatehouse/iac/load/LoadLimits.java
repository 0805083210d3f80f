package gatehouse.iac.load;

/**
 * Limits that keep hostile input from exhausting time or memory.
 *
 * @param maxBytes         largest input accepted, in bytes
 * @param maxDepth         deepest nesting of maps and lists
 * @param maxExpandedNodes most nodes a document may expand to once aliases are followed (billion laughs)
 */
public record LoadLimits(long maxBytes, int maxDepth, long maxExpandedNodes) {
    public static final LoadLimits DEFAULT = new LoadLimits(512L * 1024 * 1024, 1000, 10_000_000L);

    public LoadLimits {
        if (maxBytes < 1 || maxDepth < 1 || maxExpandedNodes < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }
}
