package gatehouse.guard.ast;

/** {@code let var = value} (or {@code :=}). */
public record LetExpr(String var, LetValue value, FileLocation location) {}
