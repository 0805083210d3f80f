package gatehouse.guard.eval;

import gatehouse.core.doc.Value;
import gatehouse.guard.eval.internal.FieldIndex;
import java.util.Objects;

/**
 * A document made ready to be evaluated by many rule files: the lookup indexes built for one file's
 * filters (such as {@code Resources.*[ Type == 'AWS::S3::Bucket' ]}) serve every later file. Thread-safe:
 * files may be evaluated against it concurrently. Obtain one from {@link Evaluator#prepare(Value)}.
 */
public final class PreparedDocument {
    private final Value root;
    final FieldIndex.Cache indexes = new FieldIndex.Cache();

    PreparedDocument(Value root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    public Value root() {
        return root;
    }
}
