package gatehouse.core.doc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A map with string keys in document order. Each key remembers its own position (the key token's
 * location), which reporters use to point at the key of a missing or offending entry.
 */
public final class MapValue implements Value {
    private final String path;
    private final Position position;
    private final Map<String, Value> entries;
    private final Map<String, Position> keyPositions;

    /**
     * @param entries      entries in document order; copied
     * @param keyPositions position of each key token; may omit keys (then {@link Position#NONE})
     */
    public MapValue(String path, Position position, Map<String, Value> entries, Map<String, Position> keyPositions) {
        this.path = Objects.requireNonNull(path, "path");
        this.position = Objects.requireNonNull(position, "position");
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        this.keyPositions = Collections.unmodifiableMap(new LinkedHashMap<>(keyPositions));
    }

    /** An empty or literal map without source. */
    public static MapValue of(String path, Map<String, Value> entries) {
        return new MapValue(path, Position.NONE, entries, Map.of());
    }

    /** Unmodifiable view of the entries in document order. */
    public Map<String, Value> entries() {
        return entries;
    }

    public Value get(String key) {
        return entries.get(key);
    }

    public int size() {
        return entries.size();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Position of the key token, or {@link Position#NONE}. */
    public Position keyPosition(String key) {
        return keyPositions.getOrDefault(key, Position.NONE);
    }

    @Override public String path() { return path; }
    @Override public Position position() { return position; }
    @Override public String kindName() { return "map"; }

    /** Structural equality on the entries only (order-insensitive, as JSON objects compare). */
    @Override public boolean equals(Object o) {
        return o instanceof MapValue m && entries.equals(m.entries);
    }

    @Override public int hashCode() { return entries.hashCode(); }

    @Override public String toString() { return "MapValue" + entries; }
}
