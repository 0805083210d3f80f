package gatehouse.secrets.scan;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Known findings, by fingerprint, so a scan reports only what is new. The file holds fingerprints, rule ids,
 * paths and commits — never a secret, not even redacted.
 */
public final class Baseline {
    private Baseline() {}

    public static void write(Path file, List<SecretsScanner.Hit> hits) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try (OutputStream out = Files.newOutputStream(file);
             JsonGenerator g = new com.fasterxml.jackson.core.JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("schemaVersion", 1);
            g.writeStringField("tool", "gatehouse secrets");
            g.writeArrayFieldStart("findings");
            Set<String> seen = new HashSet<>();
            for (SecretsScanner.Hit h : hits) {
                if (!seen.add(h.match().fingerprint())) {
                    continue;
                }
                g.writeStartObject();
                g.writeStringField("fingerprint", h.match().fingerprint());
                g.writeStringField("rule", h.match().rule().id());
                g.writeStringField("file", SecretsReport.file(h));
                g.writeNumberField("line", h.match().line());
                if (!h.origin().commit().isEmpty()) {
                    g.writeStringField("commit", h.origin().commit());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** Where a project keeps its baseline, relative to its root. */
    public static final String PROJECT_FILE = ".gatehouse/secrets-baseline.json";

    /** The fingerprints in {@code file}, or none when there is no such file. */
    public static Set<String> readIfPresent(Path file) {
        return Files.isRegularFile(file) ? read(file) : Set.of();
    }

    public static Set<String> read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var l = e.getLocation();
            throw new InputException(Diagnostic.of("baseline", SourceSpan.at(file.toString(), l == null ? 1 : l.getLineNr(),
                    l == null ? 1 : l.getColumnNr()), "invalid baseline JSON: " + e.getOriginalMessage(),
                    "write one with 'gatehouse secrets baseline -o FILE'"));
        } catch (IOException e) {
            throw new InputException(Diagnostic.of("baseline", SourceSpan.at(file.toString(), 0, 0),
                    Files.exists(file) ? "cannot read: " + e.getMessage() : "no such baseline file",
                    "write one with 'gatehouse secrets baseline -o FILE'"));
        }
        if (root == null || !root.path("findings").isArray()) {
            throw new InputException(Diagnostic.of("baseline", SourceSpan.at(file.toString(), 1, 1),
                    "not a Gatehouse secrets baseline (no findings array)", "write one with 'gatehouse secrets baseline -o FILE'"));
        }
        Set<String> out = new HashSet<>();
        root.get("findings").forEach(f -> out.add(f.path("fingerprint").asText()));
        return out;
    }
}
