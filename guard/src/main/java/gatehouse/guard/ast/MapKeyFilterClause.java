package gatehouse.guard.ast;

/** The clause inside a map-key filter: {@code keys <op> <value>}. */
public record MapKeyFilterClause(CmpOperator comparator, boolean negated, LetValue compareWith) {}
