package gatehouse.guard.ast;

import java.util.List;

/** A clause as it may appear inside a block or a filter. */
public sealed interface GuardClause {

    /** A plain comparison clause, optionally negated as a whole with a leading {@code not}/{@code !}. */
    record Clause(AccessClause accessClause, boolean negation) implements GuardClause, WhenGuardClause {}

    /** A reference to a named rule: {@code NAME}, {@code not NAME}, {@code NAME << msg >>}. */
    record NamedRule(String dependentRule, boolean negation, String customMessage, FileLocation location)
            implements GuardClause, WhenGuardClause {}

    /** A call of a parameterized rule: {@code name(%x, a.b, "lit")}. */
    record ParameterizedNamedRule(List<LetValue> parameters, NamedRule namedRule) implements GuardClause, WhenGuardClause {
        public ParameterizedNamedRule { parameters = List.copyOf(parameters); }
    }

    /** {@code query { ... }} or {@code query !empty { ... }}. */
    record BlockClause(AccessQuery query, Block<GuardClause> block, FileLocation location, boolean notEmpty)
            implements GuardClause {}

    /** {@code when conditions { ... }} inside a block. */
    record WhenBlock(List<List<WhenGuardClause>> conditions, Block<GuardClause> block) implements GuardClause {
        public WhenBlock { conditions = Conjunctions.copy(conditions); }
    }
}
