package gatehouse.core.doc;

import java.util.Objects;

/** A string scalar. Equality compares the value only, never the path or position. */
public record StringValue(String path, Position position, String value) implements Value {
    public StringValue {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(value, "value");
    }

    /** A literal without source. */
    public static StringValue of(String value) {
        return new StringValue("", Position.NONE, value);
    }

    @Override public String kindName() { return "string"; }

    @Override public boolean equals(Object o) { return o instanceof StringValue o2 && value.equals(o2.value); }

    @Override public int hashCode() { return value.hashCode(); }
}
