package gatehouse.guard.ast;

import java.util.List;

/** A parsed rule file: file-level {@code let}s, rules in file order, parameterized rules. */
public record RulesFile(String fileName, List<LetExpr> assignments, List<Rule> guardRules,
                        List<ParameterizedRule> parameterizedRules) {
    /** The name of the implicit rule made of a file's top-level clauses. */
    public static final String DEFAULT_RULE_NAME = "default";

    public RulesFile {
        assignments = List.copyOf(assignments);
        guardRules = List.copyOf(guardRules);
        parameterizedRules = List.copyOf(parameterizedRules);
    }

    /** True for a file with no rules and no assignments (empty or comments only). */
    public boolean isEmpty() {
        return assignments.isEmpty() && guardRules.isEmpty() && parameterizedRules.isEmpty();
    }
}
