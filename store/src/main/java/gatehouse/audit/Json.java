package gatehouse.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** JSON for the audit log: canonical details text, and the one mapper the package uses. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private Json() {}

    /**
     * {@code details} as canonical JSON: object keys sorted (by UTF-16 code units, recursively), no insignificant
     * white space, numbers and strings as Jackson writes them. The same map always gives the same text, so equal
     * details give equal hashes whichever map implementation the caller used.
     *
     * @throws IllegalArgumentException when a value is not representable as JSON
     */
    static String canonical(Map<String, ?> details) {
        JsonNode node = MAPPER.valueToTree(details == null ? Map.of() : details);
        StringWriter w = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            write(g, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void write(JsonGenerator g, JsonNode n) throws IOException {
        if (n.isObject()) {
            List<String> keys = new ArrayList<>();
            n.fieldNames().forEachRemaining(keys::add);
            keys.sort(null);
            g.writeStartObject();
            for (String k : keys) {
                g.writeFieldName(k);
                write(g, n.get(k));
            }
            g.writeEndObject();
        } else if (n.isArray()) {
            g.writeStartArray();
            for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                write(g, it.next());
            }
            g.writeEndArray();
        } else {
            g.writeTree(n);
        }
    }
}
