package gatehouse.core.doc;

import java.util.Objects;

/** A bool scalar. Equality compares the value only, never the path or position. */
public record BoolValue(String path, Position position, boolean value) implements Value {
    public BoolValue {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(position, "position");

    }

    /** A literal without source. */
    public static BoolValue of(boolean value) {
        return new BoolValue("", Position.NONE, value);
    }

    @Override public String kindName() { return "bool"; }

    @Override public boolean equals(Object o) { return o instanceof BoolValue o2 && value == o2.value; }

    @Override public int hashCode() { return Boolean.hashCode(value); }
}
