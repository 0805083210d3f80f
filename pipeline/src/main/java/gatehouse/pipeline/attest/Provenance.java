package gatehouse.pipeline.attest;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What SLSA Provenance v1 ({@code https://slsa.dev/provenance/v1}) says about a build: its definition
 * (build type, external and internal parameters, resolved dependencies) and its run (builder id, invocation id,
 * start and finish times, byproducts).
 *
 * <p>Parameter values must be JSON-like: {@link String}, {@link Number}, {@link Boolean}, {@link List} or
 * {@link Map} with String keys (nested freely). {@code invocationId}, {@code startedOn} and {@code finishedOn}
 * may be null: the {@link Attestor} fills them (a random UUID, its clock) so that tests can fix them instead.
 *
 * @param buildType  an absolute URI naming the build's schema; Gatehouse's is {@link #GATEHOUSE_BUILD_TYPE}
 * @param builderId  an absolute URI identifying the trusted builder (the CI system, or a laptop)
 */
public record Provenance(String buildType, Map<String, Object> externalParameters, Map<String, Object> internalParameters,
        List<ResourceDescriptor> resolvedDependencies, String builderId, String invocationId, Instant startedOn,
        Instant finishedOn, List<ResourceDescriptor> byproducts) {

    /** The predicate type URI of SLSA Provenance v1. */
    public static final String PREDICATE_TYPE = "https://slsa.dev/provenance/v1";
    /** The build type of a Gatehouse run or of {@code gatehouse attest}; documented in docs/attestations.md. */
    public static final String GATEHOUSE_BUILD_TYPE = "https://gatehouse.dev/attestations/build/v1";
    /** The builder id used when none is given: a build on a machine nobody vouches for. */
    public static final String LOCAL_BUILDER_ID = "https://gatehouse.dev/builders/local/v1";

    public Provenance {
        requireAbsoluteUri(buildType, "buildType");
        requireAbsoluteUri(builderId, "builderId");
        externalParameters = Map.copyOf(Objects.requireNonNull(externalParameters, "externalParameters"));
        internalParameters = Map.copyOf(Objects.requireNonNull(internalParameters, "internalParameters"));
        resolvedDependencies = List.copyOf(Objects.requireNonNull(resolvedDependencies, "resolvedDependencies"));
        byproducts = List.copyOf(Objects.requireNonNull(byproducts, "byproducts"));
        if (startedOn != null && finishedOn != null && finishedOn.isBefore(startedOn)) {
            throw new IllegalArgumentException("finishedOn before startedOn");
        }
    }

    /** Starts a provenance with Gatehouse's build type and the given builder. */
    public static Builder builder(String builderId) {
        return new Builder(builderId);
    }

    /** Whether {@code s} is an absolute URI (has a scheme), as SLSA requires of {@code buildType} and builder ids. */
    public static boolean isAbsoluteUri(String s) {
        if (s == null || s.isBlank()) {
            return false;
        }
        try {
            return new URI(s).isAbsolute();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static void requireAbsoluteUri(String s, String what) {
        if (!isAbsoluteUri(s)) {
            throw new IllegalArgumentException(what + " must be an absolute URI: " + s);
        }
    }

    /** The same provenance with the run's id and times set where they were missing. */
    Provenance completed(String newInvocationId, Instant now) {
        return new Provenance(buildType, externalParameters, internalParameters, resolvedDependencies, builderId,
                invocationId != null ? invocationId : newInvocationId, startedOn != null ? startedOn : now,
                finishedOn != null ? finishedOn : (startedOn != null && now.isBefore(startedOn) ? startedOn : now), byproducts);
    }

    /** Fluent construction; parameters keep insertion order until they are written (sorted then). */
    public static final class Builder {
        private String buildType = GATEHOUSE_BUILD_TYPE;
        private final String builderId;
        private final Map<String, Object> external = new LinkedHashMap<>();
        private final Map<String, Object> internal = new LinkedHashMap<>();
        private final List<ResourceDescriptor> dependencies = new ArrayList<>();
        private final List<ResourceDescriptor> byproducts = new ArrayList<>();
        private String invocationId;
        private Instant startedOn;
        private Instant finishedOn;

        private Builder(String builderId) {
            this.builderId = builderId;
        }

        public Builder buildType(String uri) {
            this.buildType = uri;
            return this;
        }

        public Builder externalParameter(String key, Object value) {
            external.put(key, value);
            return this;
        }

        public Builder internalParameter(String key, Object value) {
            internal.put(key, value);
            return this;
        }

        public Builder resolvedDependency(ResourceDescriptor d) {
            dependencies.add(d);
            return this;
        }

        public Builder byproduct(ResourceDescriptor d) {
            byproducts.add(d);
            return this;
        }

        public Builder invocationId(String id) {
            this.invocationId = id;
            return this;
        }

        public Builder startedOn(Instant t) {
            this.startedOn = t;
            return this;
        }

        public Builder finishedOn(Instant t) {
            this.finishedOn = t;
            return this;
        }

        public Provenance build() {
            return new Provenance(buildType, external, internal, dependencies, builderId, invocationId, startedOn,
                    finishedOn, byproducts);
        }
    }
}
