package gatehouse.guard.ast;

import java.util.List;

/**
 * A parsed rule file: file-level {@code let}s, rules in file order, parameterized rules.
 *
 * <p>Gatehouse-dialect files may also carry {@code gh_include} directives (resolved by the loader, which then
 * fills {@code libraryRules} and prepends the included files' {@code let}s and parameterized rules) and have
 * {@code {{ %var }}} placeholders in their custom messages filled in ({@code interpolateMessages}).
 *
 * @param includes            {@code gh_include 'path'} directives in file order (empty in cfn-guard's dialect)
 * @param libraryRules        named rules from included files: referable by name, never reported themselves
 * @param interpolateMessages whether custom messages are templates (Gatehouse dialect) or verbatim (cfn-guard)
 */
public record RulesFile(String fileName, List<LetExpr> assignments, List<Rule> guardRules,
                        List<ParameterizedRule> parameterizedRules, List<Include> includes, List<Rule> libraryRules,
                        boolean interpolateMessages) {
    /** The name of the implicit rule made of a file's top-level clauses. */
    public static final String DEFAULT_RULE_NAME = "default";

    public RulesFile {
        assignments = List.copyOf(assignments);
        guardRules = List.copyOf(guardRules);
        parameterizedRules = List.copyOf(parameterizedRules);
        includes = List.copyOf(includes);
        libraryRules = List.copyOf(libraryRules);
    }

    /** A cfn-guard file: no includes, verbatim messages. */
    public RulesFile(String fileName, List<LetExpr> assignments, List<Rule> guardRules,
                     List<ParameterizedRule> parameterizedRules) {
        this(fileName, assignments, guardRules, parameterizedRules, List.of(), List.of(), false);
    }

    /** True for a file with no rules and no assignments (empty or comments only). */
    public boolean isEmpty() {
        return assignments.isEmpty() && guardRules.isEmpty() && parameterizedRules.isEmpty();
    }

    /** {@code gh_include 'path'}: the path as written (relative to the including file) and where it stands. */
    public record Include(String path, FileLocation location) {}
}
