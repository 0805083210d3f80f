package gatehouse.core.doc;

import java.util.List;
import java.util.Objects;

/** An ordered list of values. */
public record ListValue(String path, Position position, List<Value> elements) implements Value {
    public ListValue {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(position, "position");
        elements = List.copyOf(elements);
    }

    public int size() { return elements.size(); }

    public Value get(int index) { return elements.get(index); }

    @Override public String kindName() { return "list"; }

    @Override public boolean equals(Object o) { return o instanceof ListValue l && elements.equals(l.elements); }

    @Override public int hashCode() { return elements.hashCode(); }
}
