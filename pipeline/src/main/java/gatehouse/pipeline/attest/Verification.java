package gatehouse.pipeline.attest;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of {@link Verifier#verify}: verified only when at least one signature is from a trusted key, the
 * payload is an in-toto statement, and every artifact given matches a subject's digest; otherwise the reasons,
 * each one line.
 *
 * @param failures  empty when verified
 * @param signedBy  the trusted keys whose signatures verified
 * @param statement the statement, present only when a trusted signature covers it
 * @param matched   the artifacts whose digest matched, with their subject
 */
public record Verification(List<Failure> failures, List<TrustedKey> signedBy, Optional<Statement> statement,
        List<Match> matched) {

    /** Why verification failed; each kind has its own message form. */
    public enum Kind {
        /** The envelope carries no signature. */
        NO_SIGNATURES,
        /** A signature names (or is tried against) no trusted key. */
        UNKNOWN_KEY,
        /** A signature from a trusted key is not even well-formed for its scheme. */
        BAD_SIGNATURE,
        /** A well-formed signature from a trusted key does not cover this payload: the payload or signature changed. */
        SIGNATURE_MISMATCH,
        /** The signed payload is not of type {@value Statement#PAYLOAD_TYPE}. */
        WRONG_PAYLOAD_TYPE,
        /** The signed payload is not a valid in-toto Statement v1. */
        BAD_STATEMENT,
        /** An artifact to check does not exist. */
        MISSING_ARTIFACT,
        /** An artifact could not be read or hashed. */
        UNREADABLE_ARTIFACT,
        /** No subject has the artifact's name. */
        SUBJECT_NOT_FOUND,
        /** The subject of that name is a directory and the artifact a file, or the reverse. */
        KIND_MISMATCH,
        /** The artifact's digest differs from its subject's. */
        DIGEST_MISMATCH
    }

    /**
     * One reason verification failed.
     *
     * @param message one line, naming the artifact or signature; digests and key ids shortened to 12 hex digits
     */
    public record Failure(Kind kind, String message) {
        public Failure {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(message, "message");
        }
    }

    /** An artifact on disk whose digest equals its subject's. */
    public record Match(Path artifact, Subject subject) {}

    public Verification {
        failures = List.copyOf(failures);
        signedBy = List.copyOf(signedBy);
        matched = List.copyOf(matched);
    }

    /** Whether everything checked out. */
    public boolean verified() {
        return failures.isEmpty() && !signedBy.isEmpty() && statement.isPresent();
    }
}
