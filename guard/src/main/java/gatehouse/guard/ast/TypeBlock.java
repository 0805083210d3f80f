package gatehouse.guard.ast;

import java.util.List;

/**
 * {@code AWS::S3::Bucket [when ...] { ... }}: desugars to the query
 * {@code Resources.*[ Type == 'AWS::S3::Bucket' ]} (kept in {@code query}). {@code conditions} is null without {@code when}.
 */
public record TypeBlock(String typeName, List<List<WhenGuardClause>> conditions, Block<GuardClause> block,
                        List<QueryPart> query, FileLocation location) {
    public TypeBlock {
        conditions = conditions == null ? null : Conjunctions.copy(conditions);
        query = List.copyOf(query);
    }
}
