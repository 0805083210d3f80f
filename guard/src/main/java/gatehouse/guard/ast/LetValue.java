package gatehouse.guard.ast;

import gatehouse.core.doc.Value;
import java.util.List;

/** The right-hand side of a {@code let}, a comparison, or an argument: a literal, a query or a function call. */
public sealed interface LetValue {
    /** A literal value (document types, or {@link RegexValue}, {@link RangeValue}, {@link CharValue}). */
    record Literal(Value value) implements LetValue {}

    /** A query, evaluated against the current context. */
    record Query(AccessQuery query) implements LetValue {}

    /** A built-in function call. */
    record FunctionCall(String name, List<LetValue> parameters, FileLocation location) implements LetValue {
        public FunctionCall { parameters = List.copyOf(parameters); }
    }
}
