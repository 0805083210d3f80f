package gatehouse.cli.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Locates {@code ../shared} (system property {@code gatehouse.shared}); tests skip cleanly without it. */
final class Shared {
    private Shared() {}

    static Path dir(String sub) {
        String prop = System.getProperty("gatehouse.shared", "../../shared");
        Path p = Path.of(prop).resolve(sub).normalize();
        Assumptions.assumeTrue(Files.isDirectory(p), "shared corpus not present: " + p);
        return p;
    }
}
