package gatehouse.pipeline.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs on disk: {@code DIR/ID/run.json} plus the run's logs and reports beside it. Each save writes a temporary
 * file and renames it over the old one, so a crash leaves the previous state, never half of one.
 */
public final class RunStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final Path dir;

    public RunStore(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The directory of one run's files. */
    public Path runDir(String id) {
        return dir.resolve(id);
    }

    public void save(RunRecord run) {
        try {
            Path d = runDir(run.id);
            Files.createDirectories(d);
            Path tmp = d.resolve("run.json.tmp");
            JSON.writeValue(tmp.toFile(), run);
            try {
                Files.move(tmp, d.resolve("run.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, d.resolve("run.json"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save run " + run.id + " in " + dir, e);
        }
    }

    /** The run, or null when there is none with that id. */
    public RunRecord load(String id) {
        if (!id.matches("[A-Za-z0-9_.-]+")) {
            return null;
        }
        Path f = runDir(id).resolve("run.json");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return JSON.readValue(f.toFile(), RunRecord.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /** Every run, newest first. */
    public List<RunRecord> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<RunRecord> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                RunRecord r = load(p.getFileName().toString());
                if (r != null) {
                    out.add(r);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        out.sort(Comparator.comparing((RunRecord r) -> r.started).thenComparing(r -> r.id).reversed());
        return out;
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
