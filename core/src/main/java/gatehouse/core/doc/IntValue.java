package gatehouse.core.doc;

import java.util.Objects;

/** A int scalar. Equality compares the value only, never the path or position. */
public record IntValue(String path, Position position, long value) implements Value {
    public IntValue {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(position, "position");

    }

    /** A literal without source. */
    public static IntValue of(long value) {
        return new IntValue("", Position.NONE, value);
    }

    @Override public String kindName() { return "int"; }

    @Override public boolean equals(Object o) { return o instanceof IntValue o2 && value == o2.value; }

    @Override public int hashCode() { return Long.hashCode(value); }
}
