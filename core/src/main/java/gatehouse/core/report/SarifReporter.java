package gatehouse.core.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import gatehouse.core.finding.Finding;
import gatehouse.core.finding.Rule;
import gatehouse.core.finding.ScanReport;
import java.io.IOException;
import java.io.Writer;
import java.util.HashMap;
import java.util.Map;

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: rules with {@code security-severity}, results with
 * physical and logical locations, {@code partialFingerprints}, suppressed findings with
 * {@code suppressions}, input errors as tool execution notifications.
 */
public final class SarifReporter implements Reporter {
    public static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

    @Override
    public void write(ScanReport r, Writer out) throws IOException {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < r.rules().size(); i++) {
            index.put(r.rules().get(i).id(), i);
        }
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("$schema", SCHEMA);
            g.writeStringField("version", "2.1.0");
            g.writeArrayFieldStart("runs");
            g.writeStartObject();
            g.writeObjectFieldStart("tool");
            g.writeObjectFieldStart("driver");
            g.writeStringField("name", "Gatehouse");
            g.writeStringField("version", r.version());
            g.writeStringField("informationUri", "https://github.com/gatehouse-dev/gatehouse");
            g.writeArrayFieldStart("rules");
            for (Rule rule : r.rules()) {
                writeRule(g, rule);
            }
            // rules that only appear in findings (e.g. expired waivers)
            for (Finding f : r.findings()) {
                if (!index.containsKey(f.rule().id())) {
                    index.put(f.rule().id(), index.size());
                    writeRule(g, f.rule());
                }
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
            g.writeArrayFieldStart("invocations");
            g.writeStartObject();
            g.writeBooleanField("executionSuccessful", r.errors().isEmpty());
            if (!r.errors().isEmpty()) {
                g.writeArrayFieldStart("toolExecutionNotifications");
                for (String e : r.errors()) {
                    g.writeStartObject();
                    g.writeStringField("level", "error");
                    g.writeObjectFieldStart("message");
                    g.writeStringField("text", e);
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndArray();
            g.writeArrayFieldStart("results");
            for (Finding f : r.findings()) {
                g.writeStartObject();
                g.writeStringField("ruleId", f.rule().id());
                g.writeNumberField("ruleIndex", index.get(f.rule().id()));
                g.writeStringField("level", f.rule().severity().sarifLevel());
                g.writeObjectFieldStart("message");
                g.writeStringField("text", f.message() + (f.provenance().isEmpty() ? "" : " (value " + f.provenance() + ")"));
                g.writeEndObject();
                g.writeArrayFieldStart("locations");
                g.writeStartObject();
                g.writeObjectFieldStart("physicalLocation");
                g.writeObjectFieldStart("artifactLocation");
                g.writeStringField("uri", f.location().file());
                g.writeEndObject();
                if (f.location().line() > 0) {
                    g.writeObjectFieldStart("region");
                    g.writeNumberField("startLine", f.location().line());
                    if (f.location().column() > 0) {
                        g.writeNumberField("startColumn", f.location().column());
                    }
                    if (!f.snippet().isEmpty()) {
                        g.writeObjectFieldStart("snippet");
                        g.writeStringField("text", f.snippet());
                        g.writeEndObject();
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
                if (!f.location().resource().isEmpty()) {
                    g.writeArrayFieldStart("logicalLocations");
                    g.writeStartObject();
                    g.writeStringField("name", f.location().resource());
                    if (!f.location().path().isEmpty()) {
                        g.writeStringField("fullyQualifiedName", f.location().path());
                    }
                    g.writeStringField("kind", "resource");
                    g.writeEndObject();
                    g.writeEndArray();
                }
                g.writeEndObject();
                g.writeEndArray();
                g.writeObjectFieldStart("partialFingerprints");
                g.writeStringField("gatehouse/v1", f.fingerprint());
                g.writeEndObject();
                if (!f.properties().isEmpty()) {
                    g.writeObjectFieldStart("properties");
                    for (var prop : f.properties().entrySet()) {
                        g.writeStringField(prop.getKey(), prop.getValue());
                    }
                    g.writeEndObject();
                }
                if (f.suppressed()) {
                    g.writeArrayFieldStart("suppressions");
                    g.writeStartObject();
                    g.writeStringField("kind", f.suppression().kind().equals("metadata") ? "inSource" : "external");
                    g.writeStringField("justification", f.suppression().source() + ": " + f.suppression().reason());
                    g.writeEndObject();
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("properties");
            g.writeStringField("decision", r.decision().outcome().name());
            g.writeNumberField("totalRisk", r.decision().totalRisk());
            g.writeStringField("decisionReason", r.decision().reason());
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write("\n");
    }

    private static void writeRule(JsonGenerator g, Rule rule) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", rule.id());
        g.writeStringField("name", camel(rule.title()));
        g.writeObjectFieldStart("shortDescription");
        g.writeStringField("text", rule.title());
        g.writeEndObject();
        if (!rule.rationale().isEmpty()) {
            g.writeObjectFieldStart("fullDescription");
            g.writeStringField("text", rule.rationale());
            g.writeEndObject();
        }
        if (!rule.remediation().isEmpty()) {
            g.writeObjectFieldStart("help");
            g.writeStringField("text", rule.remediation());
            StringBuilder md = new StringBuilder("**Fix:** ").append(rule.remediation());
            if (!rule.references().isEmpty()) {
                md.append("\n\n**References:**\n");
                rule.references().forEach(ref -> md.append("- ").append(ref).append('\n'));
            }
            g.writeStringField("markdown", md.toString());
            g.writeEndObject();
        }
        g.writeObjectFieldStart("defaultConfiguration");
        g.writeStringField("level", rule.severity().sarifLevel());
        g.writeEndObject();
        g.writeObjectFieldStart("properties");
        g.writeStringField("security-severity", rule.severity().securitySeverity());
        g.writeNumberField("risk", rule.risk());
        g.writeArrayFieldStart("tags");
        g.writeString("security");
        if (!rule.family().isEmpty()) {
            g.writeString(rule.family());
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
    }

    private static String camel(String title) {
        StringBuilder sb = new StringBuilder();
        boolean up = true;
        for (char c : title.toCharArray()) {
            if (Character.isLetterOrDigit(c)) {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            } else {
                up = true;
            }
        }
        return sb.toString();
    }
}
