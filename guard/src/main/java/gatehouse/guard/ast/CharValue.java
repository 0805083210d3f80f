package gatehouse.guard.ast;

import gatehouse.core.doc.Position;
import gatehouse.core.doc.Value;

/** A character value (range bounds like {@code r['a','z']}, and {@code parse_char} results). */
public record CharValue(String path, Position position, char value) implements Value.Extension {
    @Override public String kindName() { return "char"; }
}
