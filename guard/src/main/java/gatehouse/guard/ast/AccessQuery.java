package gatehouse.guard.ast;

import java.util.List;

/** A query: its parts, and whether all values must satisfy a clause ({@code matchAll}) or some ({@code some}). */
public record AccessQuery(List<QueryPart> parts, boolean matchAll) {
    public AccessQuery { parts = List.copyOf(parts); }
}
