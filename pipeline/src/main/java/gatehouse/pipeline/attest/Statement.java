package gatehouse.pipeline.attest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An in-toto Statement v1: the subjects (artifacts by digest) and a typed predicate about them.
 *
 * <p>Written as compact JSON with a fixed key order ({@code _type}, {@code subject}, {@code predicateType},
 * {@code predicate}); map-valued parameters are written with sorted keys, so the same inputs give the same bytes.
 * Read strictly: an unknown {@code _type}, an empty subject list, a subject without a 64-hex {@code sha256} digest,
 * or a duplicate JSON key is rejected.
 *
 * @param subjects      at least one
 * @param predicateType an absolute URI, {@link Provenance#PREDICATE_TYPE} for provenance
 * @param predicate     the predicate as a JSON tree
 */
public record Statement(List<Subject> subjects, String predicateType, JsonNode predicate) {
    /** The {@code _type} of in-toto Statement v1. */
    public static final String TYPE = "https://in-toto.io/Statement/v1";
    /** The DSSE payload type of an in-toto statement. */
    public static final String PAYLOAD_TYPE = "application/vnd.in-toto+json";

    public Statement {
        subjects = List.copyOf(subjects);
        if (subjects.isEmpty()) {
            throw new IllegalArgumentException("a statement needs at least one subject");
        }
        Objects.requireNonNull(predicateType, "predicateType");
        Objects.requireNonNull(predicate, "predicate");
    }

    /** A provenance statement about the subjects. */
    public static Statement provenance(List<Subject> subjects, Provenance p) {
        return new Statement(subjects, Provenance.PREDICATE_TYPE, predicateJson(p));
    }

    /** The serialized statement: compact UTF-8 JSON, the DSSE payload. */
    public byte[] toJson() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("_type", TYPE);
        ArrayNode subject = root.putArray("subject");
        for (Subject s : subjects) {
            ObjectNode o = subject.addObject();
            o.put("name", s.name());
            o.putObject("digest").put("sha256", s.sha256());
        }
        root.put("predicateType", predicateType);
        root.set("predicate", predicate);
        try {
            return Json.MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree always serializes", e);
        }
    }

    /** The builder id of a provenance predicate, if there is one. */
    public Optional<String> builderId() {
        JsonNode id = predicate.path("runDetails").path("builder").path("id");
        return id.isTextual() ? Optional.of(id.asText()) : Optional.empty();
    }

    /**
     * Reads a serialized statement.
     *
     * @throws FormatException with a one-line reason when it is not a valid in-toto Statement v1
     */
    public static Statement parse(byte[] json) throws FormatException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new FormatException("the payload is not valid JSON (" + firstLine(e instanceof JsonProcessingException jp ? jp.getOriginalMessage() : e.getMessage()) + ")");
        }
        if (root == null || !root.isObject()) {
            throw new FormatException("the payload is not a JSON object");
        }
        JsonNode type = root.get("_type");
        if (type == null || !type.isTextual()) {
            throw new FormatException("the statement has no _type");
        }
        if (!type.asText().equals(TYPE)) {
            throw new FormatException("the statement's _type is " + type.asText() + ", not " + TYPE);
        }
        JsonNode subject = root.get("subject");
        if (subject == null || !subject.isArray() || subject.isEmpty()) {
            throw new FormatException("the statement has no subject");
        }
        List<Subject> subjects = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < subject.size(); i++) {
            JsonNode s = subject.get(i);
            JsonNode name = s.get("name");
            JsonNode sha = s.path("digest").get("sha256");
            if (name == null || !name.isTextual() || name.asText().isEmpty() || name.asText().equals("/")) {
                throw new FormatException("subject " + (i + 1) + " has no name");
            }
            if (sha == null || !sha.isTextual() || !Subject.HEX64.matcher(sha.asText()).matches()) {
                throw new FormatException("subject " + name.asText() + " has no sha256 digest of 64 lowercase hex digits");
            }
            if (!names.add(name.asText())) {
                throw new FormatException("subject " + name.asText() + " appears twice");
            }
            subjects.add(new Subject(name.asText(), sha.asText()));
        }
        JsonNode predicateType = root.get("predicateType");
        if (predicateType == null || !predicateType.isTextual() || !Provenance.isAbsoluteUri(predicateType.asText())) {
            throw new FormatException("the statement's predicateType is missing or not a URI");
        }
        JsonNode predicate = root.get("predicate");
        if (predicate != null && !predicate.isObject()) {
            throw new FormatException("the statement's predicate is not a JSON object");
        }
        return new Statement(subjects, predicateType.asText(),
                predicate == null ? Json.MAPPER.createObjectNode() : predicate);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static JsonNode predicateJson(Provenance p) {
        ObjectNode predicate = Json.MAPPER.createObjectNode();
        ObjectNode def = predicate.putObject("buildDefinition");
        def.put("buildType", p.buildType());
        def.set("externalParameters", sorted(p.externalParameters()));
        if (!p.internalParameters().isEmpty()) {
            def.set("internalParameters", sorted(p.internalParameters()));
        }
        if (!p.resolvedDependencies().isEmpty()) {
            def.set("resolvedDependencies", descriptors(p.resolvedDependencies()));
        }
        ObjectNode run = predicate.putObject("runDetails");
        run.putObject("builder").put("id", p.builderId());
        ObjectNode meta = run.putObject("metadata");
        if (p.invocationId() != null) {
            meta.put("invocationId", p.invocationId());
        }
        if (p.startedOn() != null) {
            meta.put("startedOn", rfc3339(p.startedOn()));
        }
        if (p.finishedOn() != null) {
            meta.put("finishedOn", rfc3339(p.finishedOn()));
        }
        if (!p.byproducts().isEmpty()) {
            run.set("byproducts", descriptors(p.byproducts()));
        }
        return predicate;
    }

    /** RFC 3339 in UTC with a {@code Z}, fractional seconds only when present. */
    static String rfc3339(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t);
    }

    private static ArrayNode descriptors(List<ResourceDescriptor> ds) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (ResourceDescriptor d : ds) {
            ObjectNode o = a.addObject();
            if (d.uri() != null) {
                o.put("uri", d.uri());
            }
            if (d.name() != null) {
                o.put("name", d.name());
            }
            if (!d.digest().isEmpty()) {
                ObjectNode dig = o.putObject("digest");
                new TreeMap<>(d.digest()).forEach(dig::put);
            }
        }
        return a;
    }

    private static JsonNode sorted(Object value) {
        if (value instanceof Map<?, ?> m) {
            ObjectNode o = Json.MAPPER.createObjectNode();
            TreeMap<String, Object> t = new TreeMap<>();
            m.forEach((k, v) -> {
                if (!(k instanceof String key)) {
                    throw new IllegalArgumentException("parameter keys must be strings: " + k);
                }
                t.put(key, v);
            });
            t.forEach((k, v) -> o.set(k, sorted(v)));
            return o;
        }
        if (value instanceof List<?> l) {
            ArrayNode a = Json.MAPPER.createArrayNode();
            l.forEach(v -> a.add(sorted(v)));
            return a;
        }
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return Json.MAPPER.valueToTree(value);
        }
        throw new IllegalArgumentException("parameter values must be JSON-like (string, number, boolean, list, map), not "
                + (value == null ? "null" : value.getClass().getSimpleName()));
    }
}
