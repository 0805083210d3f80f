package gatehouse.guard.ast;

import java.util.List;

/** A {@code { ... }} block: its own {@code let}s (a new scope) and its clauses in CNF. */
public record Block<T>(List<LetExpr> assignments, List<List<T>> conjunctions) {
    public Block {
        assignments = List.copyOf(assignments);
        conjunctions = Conjunctions.copy(conjunctions);
    }
}
