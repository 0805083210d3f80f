package gatehouse.core.doc;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed access to a configuration document ({@code .gatehouse.yml}, {@code gatehouse.yml}) whose every error
 * points at the offending value: {@code file:line:col: error: message} with a hint, as an {@link InputException}.
 *
 * @param file     the file name shown in errors
 * @param docsHint where the keys are documented, shown when a value has the wrong shape
 */
public record ConfigReader(String file, String docsHint) {
    public InputException error(Value at, String message, String hint) {
        Position p = at.position();
        return new InputException(Diagnostic.of("config", SourceSpan.at(file, Math.max(p.line(), 1), p.column() + 1),
                message, hint));
    }

    public MapValue map(Value v, String what) {
        if (v instanceof MapValue m) {
            return m;
        }
        throw error(v, what + " must be a mapping, not a " + v.kindName(), "see " + docsHint);
    }

    /** Rejects keys outside {@code allowed}, at the key's own position. */
    public void keys(MapValue m, Set<String> allowed) {
        for (String k : m.entries().keySet()) {
            if (!allowed.contains(k)) {
                Position p = m.keyPosition(k);
                throw new InputException(Diagnostic.of("config", SourceSpan.at(file, Math.max(p.line(), 1), p.column() + 1),
                        "unknown key " + k, "known here: " + String.join(", ", new TreeSet<>(allowed))));
            }
        }
    }

    public String string(Value v, String what) {
        return switch (v) {
            case StringValue s -> s.value();
            case IntValue i -> Long.toString(i.value());
            default -> throw error(v, what + " must be a string, not a " + v.kindName(), null);
        };
    }

    /** A list of strings; a single string is a list of one. */
    public List<String> strings(Value v, String what) {
        if (v instanceof ListValue l) {
            List<String> out = new ArrayList<>();
            for (Value e : l.elements()) {
                out.add(string(e, what));
            }
            return out;
        }
        return List.of(string(v, what));
    }

    public boolean bool(Value v, String what) {
        if (v instanceof BoolValue b) {
            return b.value();
        }
        throw error(v, what + " must be true or false", null);
    }

    public long integer(Value v, String what, long min, long max) {
        if (v instanceof IntValue i && i.value() >= min && i.value() <= max) {
            return i.value();
        }
        throw error(v, what + " must be an integer from " + min + " to " + max, null);
    }
}
