package gatehouse.guard.eval;

import java.util.List;

/**
 * The outcome of one named rule block (a file may hold several blocks with one name).
 *
 * @param name     rule name ({@code default} for a file's top-level clauses)
 * @param status   PASS, FAIL or SKIP
 * @param failures the values that made it fail, in evaluation order; empty unless FAIL
 */
public record RuleResult(String name, Status status, List<ClauseFailure> failures) {
    public RuleResult {
        failures = List.copyOf(failures);
    }
}
