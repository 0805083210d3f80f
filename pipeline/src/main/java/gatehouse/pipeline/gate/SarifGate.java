package gatehouse.pipeline.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.core.finding.Decision;
import gatehouse.core.finding.Finding;
import gatehouse.core.finding.Location;
import gatehouse.core.finding.Rule;
import gatehouse.core.finding.ScanReport;
import gatehouse.core.finding.Severity;
import gatehouse.core.finding.Suppression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ingests any scanner's SARIF 2.1.0 (Semgrep, CodeQL, Trivy, Checkov, …) as a gate: every result becomes a
 * finding (level error → high, warning → medium, note → low, none → info); the gate fails when an
 * unsuppressed result is at or above the configured level. SARIF's defaults apply: a result without a level
 * takes its rule's {@code defaultConfiguration.level}, else {@code warning}.
 */
public final class SarifGate {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> LEVELS = List.of("none", "note", "warning", "error");

    private SarifGate() {}

    public static ScanReport read(Path file, String displayName, String failOn, Instant started) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new InputException(Diagnostic.of("sarif", SourceSpan.at(displayName, loc == null ? 1 : Math.max(1, loc.getLineNr()),
                    loc == null ? 1 : Math.max(1, loc.getColumnNr())), "not valid JSON: " + e.getOriginalMessage(),
                    "the sarif gate reads a SARIF 2.1.0 file"));
        } catch (IOException e) {
            throw new InputException(Diagnostic.of("sarif", SourceSpan.at(displayName, 1, 1), "cannot read: " + e.getMessage(),
                    "did the step that writes it run first?"));
        }
        if (root == null || !root.path("runs").isArray()) {
            throw new InputException(Diagnostic.of("sarif", SourceSpan.at(displayName, 1, 1), "not a SARIF log: no runs array",
                    "the sarif gate reads a SARIF 2.1.0 file"));
        }
        Map<String, Rule> rules = new LinkedHashMap<>();
        List<Finding> findings = new ArrayList<>();
        List<String> files = new ArrayList<>();
        int threshold = LEVELS.indexOf(failOn);
        int failing = 0;
        for (JsonNode run : root.path("runs")) {
            String tool = run.path("tool").path("driver").path("name").asText("sarif");
            Map<String, JsonNode> declared = new LinkedHashMap<>();
            for (JsonNode r : run.path("tool").path("driver").path("rules")) {
                declared.put(r.path("id").asText(), r);
            }
            for (JsonNode res : run.path("results")) {
                String ruleId = res.path("ruleId").asText(res.path("rule").path("id").asText("unknown"));
                JsonNode decl = declared.get(ruleId);
                String level = res.hasNonNull("level") ? res.get("level").asText()
                        : decl != null && decl.path("defaultConfiguration").hasNonNull("level")
                        ? decl.path("defaultConfiguration").get("level").asText() : "warning";
                if (!LEVELS.contains(level)) {
                    level = "warning";
                }
                String id = tool + "/" + ruleId;
                Severity sev = switch (level) {
                    case "error" -> Severity.HIGH;
                    case "warning" -> Severity.MEDIUM;
                    case "note" -> Severity.LOW;
                    default -> Severity.INFO;
                };
                Rule rule = rules.computeIfAbsent(id + "#" + level, k -> new Rule(id,
                        decl != null && decl.path("shortDescription").hasNonNull("text")
                                ? decl.path("shortDescription").get("text").asText() : ruleId,
                        sev, 0, tool, "", decl != null ? decl.path("help").path("text").asText("") : "", List.of(),
                        decl != null ? decl.path("helpUri").asText("") : ""));
                JsonNode phys = res.path("locations").path(0).path("physicalLocation");
                String uri = phys.path("artifactLocation").path("uri").asText("");
                int line = phys.path("region").path("startLine").asInt(0);
                int col = phys.path("region").path("startColumn").asInt(0);
                String message = res.path("message").path("text").asText(rule.title());
                Suppression sup = null;
                for (JsonNode s : res.path("suppressions")) {
                    String status = s.path("status").asText("accepted");
                    if (status.equals("accepted")) {
                        sup = new Suppression(s.path("kind").asText("external"), "SARIF log",
                                s.path("justification").asText("suppressed in the SARIF log"));
                    }
                }
                if (!uri.isEmpty() && !files.contains(uri)) {
                    files.add(uri);
                }
                if (sup == null && LEVELS.indexOf(level) >= threshold && threshold > 0) {
                    failing++;
                }
                findings.add(new Finding(rule, message, new Location(uri, line, col, "", ""), "", "",
                        id + ":" + uri + ":" + line + ":" + col, sup));
            }
        }
        findings.sort(Comparator.comparing((Finding f) -> f.location().file()).thenComparingInt(f -> f.location().line())
                .thenComparing(f -> f.rule().id()));
        Decision d = failing > 0
                ? new Decision(Decision.Outcome.FAIL, 0, failing + " result" + (failing == 1 ? "" : "s") + " at level " + failOn + " or above")
                : new Decision(Decision.Outcome.PASS, 0, "no unsuppressed result at level " + failOn + " or above");
        List<Rule> ruleList = new ArrayList<>(rules.values().stream().collect(java.util.stream.Collectors.toMap(Rule::id, r -> r,
                (a, b) -> a.severity().compareTo(b.severity()) <= 0 ? a : b, java.util.TreeMap::new)).values());
        return new ScanReport("gatehouse", "", displayName, started, 0, files, ruleList, findings, List.of(), d, Map.of(), "file");
    }
}
