package gatehouse.guard.ast;

import gatehouse.core.doc.Position;
import gatehouse.core.doc.Value;

/** A regex literal {@code /pattern/} (the pattern without slashes; {@code \/} already unescaped). */
public record RegexValue(String path, Position position, String pattern) implements Value.Extension {
    @Override public String kindName() { return "regex"; }
}
