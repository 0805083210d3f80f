package gatehouse.guard.ast;

import java.util.List;

/** A clause at the top level of a rule's block. */
public sealed interface RuleClause {
    record Clause(GuardClause clause) implements RuleClause {}

    record WhenBlock(List<List<WhenGuardClause>> conditions, Block<GuardClause> block) implements RuleClause {
        public WhenBlock { conditions = Conjunctions.copy(conditions); }
    }

    record TypeBlockClause(TypeBlock typeBlock) implements RuleClause {}
}
