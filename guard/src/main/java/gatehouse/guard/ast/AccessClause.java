package gatehouse.guard.ast;

/**
 * {@code query op [compareWith] [<< message >>]}. {@code compareWith} is null for unary operators;
 * {@code customMessage} is null when absent (its text is kept verbatim, whitespace included).
 */
public record AccessClause(AccessQuery query, CmpOperator comparator, boolean negated, LetValue compareWith,
                           String customMessage, FileLocation location) {}
