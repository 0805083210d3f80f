package gatehouse.guard.ast;

/** A clause allowed in {@code when} conditions: a comparison, a rule reference, or a parameterized call. */
public sealed interface WhenGuardClause
        permits GuardClause.Clause, GuardClause.NamedRule, GuardClause.ParameterizedNamedRule {}
