package gatehouse.core.finding;

/**
 * Where a finding is: a file (relative to the scan root, '/'-separated), a 1-based line and column (0 when
 * unknown), the logical resource id and the JSON path of the offending value inside the document.
 */
public record Location(String file, int line, int column, String resource, String path) {
    public Location {
        file = file == null ? "" : file;
        resource = resource == null ? "" : resource;
        path = path == null ? "" : path;
    }
}
