package gatehouse.guard.ast;

import java.util.List;

/** Helpers for {@code List<List<T>>} conjunctions of disjunctions. */
public final class Conjunctions {
    private Conjunctions() {}

    /** Deep, unmodifiable copy. */
    public static <T> List<List<T>> copy(List<List<T>> conjunctions) {
        return conjunctions.stream().map(List::copyOf).toList();
    }
}
