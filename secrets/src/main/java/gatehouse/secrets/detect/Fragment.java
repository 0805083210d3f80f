package gatehouse.secrets.detect;

/**
 * A piece of text to scan and where it came from.
 *
 * @param path    the file path ('/'-separated, relative to the scan root), or a pseudo path such as
 *                {@code <commit message>} or {@code <stdin>}
 * @param commit  the commit the text belongs to (full id), or empty outside history scans
 * @param firstLine the line number of the text's first line in its file (1 unless the text is a part)
 */
public record Fragment(String text, String path, String commit, int firstLine) {
    public Fragment {
        commit = commit == null ? "" : commit;
    }

    public static Fragment of(String text, String path) {
        return new Fragment(text, path, "", 1);
    }
}
