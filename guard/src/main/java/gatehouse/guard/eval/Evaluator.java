package gatehouse.guard.eval;

import gatehouse.core.doc.Value;
import gatehouse.guard.ast.RulesFile;
import gatehouse.guard.eval.internal.Engine;
import java.time.Clock;

/**
 * Evaluates Guard rule files against documents with cfn-guard 3.1.1's PASS / FAIL / SKIP semantics.
 *
 * <p>Immutable and thread-safe: one instance may evaluate many files on many threads. Each call keeps its
 * own caches (variables, rule statuses) for the duration of one file on one document.
 */
public final class Evaluator {
    private final Clock clock;

    public Evaluator() {
        this(Clock.systemUTC());
    }

    /** @param clock the clock {@code now()} reads */
    public Evaluator(Clock clock) {
        this.clock = clock;
    }

    /**
     * Evaluates every rule of a file against one document.
     *
     * @param rules the parsed rule file
     * @param data  the document root (with any {@code --input-params} already merged in)
     * @throws GuardEvaluationException when a rule cannot be evaluated (unknown variable or rule, arity,
     *                                  function type errors, a regex over its budget)
     */
    public FileEvaluation evaluate(RulesFile rules, Value data) {
        return evaluate(rules, prepare(data));
    }

    /** Prepares a document for evaluation by several rule files, which then share its indexes. */
    public PreparedDocument prepare(Value data) {
        return new PreparedDocument(data);
    }

    /** As {@link #evaluate(RulesFile, Value)}, on a prepared document; may be called from many threads. */
    public FileEvaluation evaluate(RulesFile rules, PreparedDocument data) {
        return new Engine(rules, data.root(), clock, data.indexes).run();
    }
}
