package gatehouse.core.doc;

import java.util.Objects;

/** A float scalar. Equality compares the value only, never the path or position. */
public record FloatValue(String path, Position position, double value) implements Value {
    public FloatValue {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(position, "position");

    }

    /** A literal without source. */
    public static FloatValue of(double value) {
        return new FloatValue("", Position.NONE, value);
    }

    @Override public String kindName() { return "float"; }

    @Override public boolean equals(Object o) { return o instanceof FloatValue o2 && Double.compare(value, o2.value) == 0; }

    @Override public int hashCode() { return Double.hashCode(value); }
}
