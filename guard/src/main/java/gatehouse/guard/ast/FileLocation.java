package gatehouse.guard.ast;

/** Where a clause or block starts in its rule file: 1-based line and column, and the file name as given. */
public record FileLocation(int line, int column, String fileName) {}
