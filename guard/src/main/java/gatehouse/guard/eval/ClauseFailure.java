package gatehouse.guard.eval;

import gatehouse.core.doc.Value;
import gatehouse.guard.ast.CmpOperator;
import gatehouse.guard.ast.FileLocation;

/**
 * One value that made a clause fail, with everything a report needs: the rule, the clause's place in the
 * rule file, the operator, the offending value (or, for a query that did not resolve, how far it got and
 * what was left), the expected value, and the rule author's message.
 *
 * @param rule          the named rule the clause belongs to
 * @param location      the clause in its rule file
 * @param kind          what failed
 * @param operator      the comparison; null for rule references and block checks
 * @param negated       whether the operator was negated ({@code !=}, {@code not in}, {@code !exists})
 * @param actual        the value compared; null when the query did not resolve
 * @param expected      the right-hand side (a literal or the first resolved value); may be null
 * @param traversedTo   for an unresolved query: the last value reached; else null
 * @param remainingQuery for an unresolved query: the part of the query not resolved; else null
 * @param reason        a readable sentence of why it failed
 * @param customMessage the {@code << message >>} of the clause, or null
 */
public record ClauseFailure(String rule, FileLocation location, Kind kind, CmpOperator operator, boolean negated,
                            Value actual, Value expected, Value traversedTo, String remainingQuery, String reason,
                            String customMessage) {
    public enum Kind { COMPARISON, MISSING_PROPERTY, UNARY, RULE_REFERENCE, EMPTY_BLOCK }
}
