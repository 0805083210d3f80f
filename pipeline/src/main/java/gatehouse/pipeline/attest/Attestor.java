package gatehouse.pipeline.attest;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Makes signed provenance: hashes the subjects, wraps them with a {@link Provenance} in an in-toto Statement v1,
 * and signs it into a DSSE envelope. This is what {@code gatehouse attest} and the pipeline runner's outputs call.
 *
 * <p>Stateless and thread-safe. Missing run metadata is filled in here, not by callers: the invocation id from a
 * random UUID, the start and finish times from the clock (so tests inject a fixed clock and id).
 */
public final class Attestor {
    private Attestor() {}

    /** Attests with the system clock (UTC). */
    public static Envelope attest(List<Path> subjects, Provenance provenance, Signer signer) throws IOException {
        return attest(subjects, provenance, signer, Clock.systemUTC());
    }

    /**
     * Hashes each subject (a file or a directory, see {@link Digests}), builds the statement and signs it.
     *
     * @throws InputException when a subject is missing, two subjects share a name, or a directory cannot be hashed
     * @throws IOException    when a subject cannot be read
     */
    public static Envelope attest(List<Path> subjects, Provenance provenance, Signer signer, Clock clock) throws IOException {
        return sign(statement(subjects, provenance, clock), signer);
    }

    /** The statement {@link #attest} would sign. */
    public static Statement statement(List<Path> subjects, Provenance provenance, Clock clock) throws IOException {
        if (subjects.isEmpty()) {
            throw new InputException(Diagnostic.of("attest_artifact_error", null, "nothing to attest: no artifacts given",
                    "name one or more files or directories"));
        }
        List<Subject> out = new ArrayList<>();
        Map<String, Path> byName = new HashMap<>();
        for (Path p : subjects) {
            if (!Files.exists(p)) {
                throw new InputException(Diagnostic.of("attest_artifact_error", SourceSpan.at(p.toString(), 1, 1),
                        "no such artifact", "build it first, or check the path"));
            }
            Subject s = Subject.of(p);
            Path before = byName.putIfAbsent(s.name(), p);
            if (before != null) {
                throw new InputException(Diagnostic.of("attest_artifact_error", SourceSpan.at(p.toString(), 1, 1),
                        "two artifacts are named " + s.name() + " (the other is " + before + ")",
                        "subjects are named by file name; attest them separately or rename one"));
            }
            out.add(s);
        }
        Provenance complete = provenance.completed(UUID.randomUUID().toString(), clock.instant());
        return Statement.provenance(out, complete);
    }

    /** Signs a statement into an envelope of type {@value Statement#PAYLOAD_TYPE}. */
    public static Envelope sign(Statement statement, Signer signer) {
        return Envelope.sign(Statement.PAYLOAD_TYPE, statement.toJson(), signer);
    }
}
