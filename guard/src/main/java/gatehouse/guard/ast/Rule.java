package gatehouse.guard.ast;

import java.util.List;

/**
 * {@code rule NAME [when conditions] { ... }}. Top-level clauses of a file form an implicit rule named
 * {@link RulesFile#DEFAULT_RULE_NAME}. {@code conditions} is null without {@code when}.
 */
public record Rule(String ruleName, List<List<WhenGuardClause>> conditions, Block<RuleClause> block,
                   FileLocation location) {
    public Rule { conditions = conditions == null ? null : Conjunctions.copy(conditions); }
}
