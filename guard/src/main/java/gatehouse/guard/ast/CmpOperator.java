package gatehouse.guard.ast;

/**
 * Comparison operators. Negated forms ({@code !=}, {@code not in}, {@code !exists}, ...) are the
 * operator plus a negation flag, as in {@link AccessClause#negated()}.
 */
public enum CmpOperator {
    Eq, In, Gt, Lt, Le, Ge, Exists, Empty, IsString, IsList, IsMap, IsBool, IsInt, IsFloat, IsNull;

    /** Operators that take no right-hand side. */
    public boolean isUnary() {
        return switch (this) {
            case Eq, In, Gt, Lt, Le, Ge -> false;
            default -> true;
        };
    }
}
