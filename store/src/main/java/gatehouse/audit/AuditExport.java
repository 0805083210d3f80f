package gatehouse.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit log as JSON lines, for archiving on write-once storage and for offline verification: one JSON object per
 * line, in seq order, each checkpoint right after the entry it seals.
 * <pre>
 * {"type":"entry","seq":1,"timeMs":1714557600123,"actor":"ci","action":"deploy","subject":"prod/web","result":"pass","details":"{\"run\":42}","prevHash":"000…","hash":"3f0c…"}
 * {"type":"checkpoint","seq":100,"hash":"…","timeMs":1714557600456,"keyId":"9a1b2c3d4e5f6071","signature":"base64…"}
 * </pre>
 * {@code details} is the stored JSON text as a string, byte for byte what the hash covers, so a verifier never has to
 * re-serialise JSON to check a hash. A file only ever grows by appending lines, so exports can be shipped
 * incrementally.
 */
public final class AuditExport {
    private AuditExport() {}

    public static void write(List<AuditEntry> entries, List<Checkpoint> checkpoints, Writer out) throws IOException {
        int c = 0;
        List<Checkpoint> cps = new ArrayList<>(checkpoints);
        cps.sort(java.util.Comparator.comparingLong(Checkpoint::seq));
        for (AuditEntry e : entries) {
            while (c < cps.size() && cps.get(c).seq() < e.seq()) {
                out.write(line(cps.get(c++)));
            }
            out.write(line(e));
        }
        while (c < cps.size()) {
            out.write(line(cps.get(c++)));
        }
        out.flush();
    }

    static String line(AuditEntry e) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("type", "entry");
            g.writeNumberField("seq", e.seq());
            g.writeNumberField("timeMs", e.timeMs());
            g.writeStringField("actor", e.actor());
            g.writeStringField("action", e.action());
            g.writeStringField("subject", e.subject());
            g.writeStringField("result", e.result());
            g.writeStringField("details", e.details());
            g.writeStringField("prevHash", e.prevHash());
            g.writeStringField("hash", e.hash());
            g.writeEndObject();
        }
        return w.append('\n').toString();
    }

    static String line(Checkpoint cp) throws IOException {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("type", "checkpoint");
            g.writeNumberField("seq", cp.seq());
            g.writeStringField("hash", cp.hash());
            g.writeNumberField("timeMs", cp.timeMs());
            g.writeStringField("keyId", cp.keyId());
            g.writeStringField("signature", cp.signature());
            g.writeEndObject();
        }
        return w.append('\n').toString();
    }

    /**
     * Reads an export. Blank lines are skipped; anything else that is not an entry or checkpoint line is an
     * {@link InputException} at {@code file:line:col}.
     */
    public static AuditLog.Snapshot read(Path file) {
        List<AuditEntry> entries = new ArrayList<>();
        List<Checkpoint> cps = new ArrayList<>();
        String name = file.toString();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int n = 0;
            while ((text = r.readLine()) != null) {
                n++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = Json.MAPPER.readTree(text);
                } catch (JsonProcessingException e) {
                    int col = e.getLocation() == null ? 1 : Math.max(1, e.getLocation().getColumnNr());
                    throw bad(name, n, col, "not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""), text);
                }
                if (node == null || !node.isObject()) {
                    throw bad(name, n, 1, "expected a JSON object", text);
                }
                String type = node.path("type").asText("");
                switch (type) {
                    case "entry" -> entries.add(new AuditEntry(num(node, "seq", name, n, text), num(node, "timeMs", name, n, text),
                            str(node, "actor", name, n, text), str(node, "action", name, n, text), str(node, "subject", name, n, text),
                            str(node, "result", name, n, text), str(node, "details", name, n, text),
                            str(node, "prevHash", name, n, text), str(node, "hash", name, n, text)));
                    case "checkpoint" -> cps.add(new Checkpoint(num(node, "seq", name, n, text), str(node, "hash", name, n, text),
                            num(node, "timeMs", name, n, text), str(node, "keyId", name, n, text), str(node, "signature", name, n, text)));
                    default -> throw bad(name, n, 1, "expected \"type\": \"entry\" or \"checkpoint\"", text);
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InputException(Diagnostic.of("input_io_error", SourceSpan.at(name, 1, 1), "no such file",
                    "give the file 'gatehouse audit export -o FILE' wrote"));
        } catch (java.nio.charset.MalformedInputException e) {
            throw new InputException(Diagnostic.of("input_io_error", SourceSpan.at(name, 1, 1), "not UTF-8 text",
                    "give the file 'gatehouse audit export -o FILE' wrote"));
        } catch (IOException e) {
            throw new InputException(Diagnostic.of("input_io_error", SourceSpan.at(name, 1, 1),
                    "cannot read: " + e.getMessage(), "check the path and its permissions"));
        }
        return new AuditLog.Snapshot(entries, cps);
    }

    private static long num(JsonNode node, String field, String file, int line, String text) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw bad(file, line, column(text, field), "\"" + field + "\" must be an integer", text);
        }
        return v.longValue();
    }

    private static String str(JsonNode node, String field, String file, int line, String text) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw bad(file, line, column(text, field), "\"" + field + "\" must be a string", text);
        }
        return v.textValue();
    }

    private static int column(String text, String field) {
        int i = text.indexOf("\"" + field + "\"");
        return i < 0 ? 1 : i + 1;
    }

    private static InputException bad(String file, int line, int col, String message, String text) {
        return new InputException(Diagnostic.of("input_json_error", SourceSpan.at(file, line, col), message,
                        "each line of an audit export is one entry or checkpoint object, as 'gatehouse audit export' writes")
                .withSourceLine(text));
    }
}
