package gatehouse.core.doc;

import java.util.Objects;

/** The null scalar ({@code null}, {@code ~} or an empty YAML value). All nulls are equal. */
public record NullValue(String path, Position position) implements Value {
    public NullValue {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(position, "position");
    }

    public static NullValue of() {
        return new NullValue("", Position.NONE);
    }

    @Override public String kindName() { return "null"; }

    @Override public boolean equals(Object o) { return o instanceof NullValue; }

    @Override public int hashCode() { return 0; }
}
