package gatehouse.guard.ast;

import java.util.List;

/** One step of a query such as {@code Resources.*[ Type == 'AWS::S3::Bucket' ].Properties}. */
public sealed interface QueryPart {
    /** {@code this}: the current context value. */
    record This() implements QueryPart {}

    /**
     * {@code .name}, {@code ."quoted"}, {@code ['name']}, or a variable reference {@code %name}
     * (kept with its {@code %} prefix, as cfn-guard does); a numeric key on a list is an index.
     */
    record Key(String name) implements QueryPart {
        public boolean isVariable() { return name.startsWith("%"); }
    }

    /** {@code [ keys == ... ]} or {@code [ k | keys == ... ]}: select map entries whose key matches. */
    record MapKeyFilter(String captureName, MapKeyFilterClause clause) implements QueryPart {}

    /** {@code *} or {@code .*} (all values of a map or list); {@code [name]} captures each key as {@code %name}. */
    record AllValues(String captureName) implements QueryPart {}

    /** {@code [*]}: all elements of a list (a map or scalar passes through). */
    record AllIndices(String captureName) implements QueryPart {}

    /** {@code [0]}, {@code [-1]}, {@code .0}. */
    record Index(int index) implements QueryPart {}

    /** {@code [ clauses ]} or {@code [ x | clauses ]}: keep the values for which the clauses hold. */
    record Filter(String captureName, List<List<GuardClause>> conjunctions) implements QueryPart {
        public Filter { conjunctions = Conjunctions.copy(conjunctions); }
    }
}
