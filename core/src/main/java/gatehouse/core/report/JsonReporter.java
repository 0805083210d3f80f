package gatehouse.core.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import gatehouse.core.finding.Finding;
import gatehouse.core.finding.Rule;
import gatehouse.core.finding.ScanReport;
import java.io.IOException;
import java.io.Writer;

/** The versioned JSON report ({@code schemaVersion} 1), documented in docs/report-json.md. */
public final class JsonReporter implements Reporter {
    public static final int SCHEMA_VERSION = 1;

    @Override
    public void write(ScanReport r, Writer out) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeNumberField("schemaVersion", SCHEMA_VERSION);
            g.writeObjectFieldStart("tool");
            g.writeStringField("name", r.tool());
            g.writeStringField("version", r.version());
            g.writeEndObject();
            g.writeStringField("root", r.root());
            g.writeStringField("started", r.started().toString());
            g.writeNumberField("durationMillis", r.durationMillis());
            g.writeObjectFieldStart("decision");
            g.writeStringField("outcome", r.decision().outcome().name());
            g.writeNumberField("totalRisk", r.decision().totalRisk());
            g.writeStringField("reason", r.decision().reason());
            g.writeEndObject();
            g.writeArrayFieldStart("files");
            for (String f : r.files()) {
                g.writeString(f);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("findings");
            for (Finding f : r.findings()) {
                g.writeStartObject();
                g.writeStringField("ruleId", f.rule().id());
                g.writeStringField("title", f.rule().title());
                g.writeStringField("severity", f.rule().severity().label());
                g.writeNumberField("risk", f.rule().risk());
                g.writeStringField("message", f.message());
                g.writeObjectFieldStart("location");
                g.writeStringField("file", f.location().file());
                g.writeNumberField("line", f.location().line());
                g.writeNumberField("column", f.location().column());
                g.writeStringField("resource", f.location().resource());
                g.writeStringField("path", f.location().path());
                g.writeEndObject();
                if (!f.provenance().isEmpty()) {
                    g.writeStringField("provenance", f.provenance());
                }
                if (!f.properties().isEmpty()) {
                    g.writeObjectFieldStart("properties");
                    for (var prop : f.properties().entrySet()) {
                        g.writeStringField(prop.getKey(), prop.getValue());
                    }
                    g.writeEndObject();
                }
                g.writeStringField("remediation", f.rule().remediation());
                g.writeStringField("fingerprint", f.fingerprint());
                if (f.suppressed()) {
                    g.writeObjectFieldStart("suppression");
                    g.writeStringField("kind", f.suppression().kind());
                    g.writeStringField("source", f.suppression().source());
                    g.writeStringField("reason", f.suppression().reason());
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("errors");
            for (String e : r.errors()) {
                g.writeString(e);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("rules");
            for (Rule rule : r.rules()) {
                g.writeStartObject();
                g.writeStringField("id", rule.id());
                g.writeStringField("title", rule.title());
                g.writeStringField("severity", rule.severity().label());
                g.writeNumberField("risk", rule.risk());
                g.writeStringField("family", rule.family());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write("\n");
    }
}
