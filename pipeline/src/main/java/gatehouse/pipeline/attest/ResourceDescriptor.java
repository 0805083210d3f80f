package gatehouse.pipeline.attest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An in-toto ResourceDescriptor as SLSA Provenance v1 uses it for {@code resolvedDependencies} and
 * {@code byproducts}: a name and/or a URI, and a digest set (algorithm → lowercase hex).
 *
 * @param name   may be null when {@code uri} is set
 * @param uri    may be null when {@code name} is set
 * @param digest algorithm name (such as {@code sha256} or {@code gitCommit}) to hex value; may be empty
 */
public record ResourceDescriptor(String name, String uri, Map<String, String> digest) {
    public ResourceDescriptor {
        if (name == null && uri == null) {
            throw new IllegalArgumentException("a resource descriptor needs a name or a uri");
        }
        digest = Map.copyOf(new TreeMap<>(Objects.requireNonNull(digest, "digest")));
    }

    /** A local file or directory, named and hashed like a {@link Subject}. */
    public static ResourceDescriptor of(Path artifact) throws IOException {
        Subject s = Subject.of(artifact);
        return new ResourceDescriptor(s.name(), null, Map.of("sha256", s.sha256()));
    }
}
