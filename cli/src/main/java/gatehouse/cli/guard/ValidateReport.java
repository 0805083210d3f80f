package gatehouse.cli.guard;

import gatehouse.core.TreeWriter;
import gatehouse.core.doc.BoolValue;
import gatehouse.core.doc.FloatValue;
import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.NullValue;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.guard.ast.CharValue;
import gatehouse.guard.ast.RangeValue;
import gatehouse.guard.ast.RegexValue;
import gatehouse.guard.eval.ClauseFailure;
import gatehouse.guard.eval.FileEvaluation;
import gatehouse.guard.eval.RuleResult;
import gatehouse.guard.eval.Status;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes {@code guard validate} results in cfn-guard's formats: the single-line summary (exact), a failure
 * report grouped by resource (deterministic: document order, where cfn-guard's order is random), and the
 * structured {@code -z} outputs (JSON, YAML, JUnit XML, SARIF 2.1.0) in cfn-guard's shapes.
 */
final class ValidateReport {
    private final PrintStream out;
    private final Set<String> show;
    private final String format;
    private final boolean structured;
    private final boolean verbose;
    private final List<Object> structuredReports = new ArrayList<>();
    private final Map<String, List<Object[]>> byData = new LinkedHashMap<>();

    ValidateReport(PrintStream out, List<String> summary, String format, boolean structured, boolean verbose) {
        this.out = out;
        this.show = new LinkedHashSet<>(summary);
        if (show.contains("all")) {
            show.addAll(List.of("pass", "fail", "skip"));
        }
        this.format = format;
        this.structured = structured;
        this.verbose = verbose;
    }

    void add(String dataName, Value data, String ruleFile, FileEvaluation ev) {
        if (structured) {
            structuredReports.add(structuredReport(dataName, ev));
            byData.computeIfAbsent(dataName, k -> new ArrayList<>()).add(new Object[] {ruleFile, ev});
            return;
        }
        if (!format.equals("single-line-summary")) {
            structuredReports.add(structuredReport(dataName, ev));
            return;
        }
        summary(dataName, ruleFile, ev);
        if (ev.status() == Status.FAIL || verbose) {
            failureReport(dataName, data, ruleFile, ev);
        }
    }

    void finish() {
        if (!structured && format.equals("single-line-summary")) {
            return;
        }
        switch (format) {
            case "json", "single-line-summary" -> out.println(TreeWriter.json(structured ? structuredReports : unwrap()));
            case "yaml" -> out.print(TreeWriter.yaml(structured ? structuredReports : unwrap()));
            case "junit" -> out.print(junit());
            case "sarif" -> out.println(TreeWriter.json(sarif()));
            default -> { }
        }
    }

    private Object unwrap() {
        return structuredReports.size() == 1 ? structuredReports.get(0) : structuredReports;
    }

    // ------------------------------------------------------------------ summary

    private void summary(String dataName, String ruleFile, FileEvaluation ev) {
        if (show.contains("none")) {
            return;
        }
        out.println(dataName + " Status = " + ev.status());
        int width = 0;
        for (RuleResult r : ev.rules()) {
            width = Math.max(width, ruleFile.length() + 1 + r.name().length());
        }
        section("skip", "SKIP rules", Status.SKIP, ruleFile, ev, width);
        section("pass", "PASS rules", Status.PASS, ruleFile, ev, width);
        section("fail", "FAILED rules", Status.FAIL, ruleFile, ev, width);
        out.println("---");
    }

    private void section(String key, String title, Status status, String ruleFile, FileEvaluation ev, int width) {
        if (!show.contains(key)) {
            return;
        }
        List<RuleResult> rules = ev.rules().stream().filter(r -> r.status() == status).toList();
        if (rules.isEmpty()) {
            return;
        }
        out.println(title);
        for (RuleResult r : rules) {
            String name = ruleFile + "/" + r.name();
            out.println(name + " ".repeat(width - name.length() + 4) + status);
        }
    }

    // ------------------------------------------------------------------ failure report

    private void failureReport(String dataName, Value data, String ruleFile, FileEvaluation ev) {
        out.println("Evaluating data " + dataName + " against rules " + ruleFile);
        Map<String, Map<String, List<ClauseFailure>>> byResource = new LinkedHashMap<>();
        for (RuleResult r : ev.rules()) {
            for (ClauseFailure f : r.failures()) {
                byResource.computeIfAbsent(resourceOf(f), k -> new LinkedHashMap<>())
                        .computeIfAbsent(r.name(), k -> new ArrayList<>()).add(f);
            }
        }
        long resources = byResource.keySet().stream().filter(k -> !k.isEmpty()).count();
        out.println("Number of non-compliant resources " + resources);
        Map<String, Value> resourceMap = data instanceof MapValue m && m.get("Resources") instanceof MapValue r
                ? r.entries() : Map.of();
        Map<String, Integer> order = new HashMap<>();
        for (String k : resourceMap.keySet()) {
            order.put(k, order.size());
        }
        order.putIfAbsent("", order.size());
        List<String> keys = new ArrayList<>(byResource.keySet());
        keys.sort(java.util.Comparator.comparingInt(k -> order.getOrDefault(k, order.size())));
        for (String res : keys) {
            Map<String, List<ClauseFailure>> rules = byResource.get(res);
            String indent;
            if (!res.isEmpty()) {
                out.println("Resource = " + res + " {");
                Value rv = resourceMap.get(res);
                if (rv instanceof MapValue rm && rm.get("Type") instanceof StringValue t) {
                    out.println("  Type      = " + t.value());
                }
                indent = "  ";
            } else {
                indent = "";
            }
            for (Map.Entry<String, List<ClauseFailure>> e : rules.entrySet()) {
                out.println(indent + "Rule = " + e.getKey() + " {");
                out.println(indent + "  ALL {");
                for (ClauseFailure f : e.getValue()) {
                    check(indent + "    ", f);
                }
                out.println(indent + "  }");
                out.println(indent + "}");
            }
            if (!res.isEmpty()) {
                out.println("}");
            }
        }
    }

    private void check(String in, ClauseFailure f) {
        out.println(in + "Check = " + f.location().fileName() + ":" + f.location().line() + ":" + f.location().column() + " {");
        if (f.customMessage() != null && !f.customMessage().isBlank()) {
            out.println(in + "  Message {");
            for (String line : f.customMessage().strip().split("\n")) {
                out.println(in + "    " + line.strip());
            }
            out.println(in + "  }");
        }
        switch (f.kind()) {
            case MISSING_PROPERTY -> {
                out.println(in + "  RequiredPropertyError {");
                if (f.traversedTo() != null) {
                    out.println(in + "    PropertyPath    = " + where(f.traversedTo()));
                }
                out.println(in + "    MissingProperty = " + f.remainingQuery());
                out.println(in + "    Reason          = " + f.reason());
                out.println(in + "  }");
            }
            case COMPARISON -> {
                out.println(in + "  ComparisonError {");
                out.println(in + "    PropertyPath    = " + where(f.actual()));
                out.println(in + "    Operator        = " + operator(f));
                out.println(in + "    Value           = " + json(f.actual()));
                out.println(in + "    ComparedWith    = " + (f.expected() == null ? "" : json(f.expected())));
                out.println(in + "  }");
            }
            case UNARY -> {
                out.println(in + "  ComparisonError {");
                if (f.actual() != null) {
                    out.println(in + "    PropertyPath    = " + where(f.actual()));
                }
                out.println(in + "    Operator        = " + operator(f));
                out.println(in + "    Reason          = " + f.reason());
                out.println(in + "  }");
            }
            default -> out.println(in + "  Reason = " + f.reason());
        }
        out.println(in + "}");
    }

    private static String where(Value v) {
        int line = Math.max(0, v.position().line() - 1);
        return v.path() + "[L:" + line + ",C:" + v.position().column() + "]";
    }

    private static String operator(ClauseFailure f) {
        if (f.operator() == null) {
            return "";
        }
        String op = switch (f.operator()) {
            case Eq -> "EQUAL";
            case In -> "IN";
            case Gt -> "GREATER THAN";
            case Ge -> "GREATER THAN EQUAL";
            case Lt -> "LESS THAN";
            case Le -> "LESS THAN EQUAL";
            case Exists -> "EXISTS";
            case Empty -> "EMPTY";
            default -> f.operator().name().replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(java.util.Locale.ROOT);
        };
        return f.negated() ? "NOT " + op : op;
    }

    /** A value as compact JSON (regexes as /re/, ranges as r[a,b]). */
    static String json(Value v) {
        return TreeWriter.compactJson(plain(v));
    }

    static Object plain(Value v) {
        return switch (v) {
            case StringValue s -> s.value();
            case IntValue i -> i.value();
            case FloatValue f -> f.value();
            case BoolValue b -> b.value();
            case NullValue n -> null;
            case ListValue l -> l.elements().stream().map(ValidateReport::plain).toList();
            case MapValue m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.entries().forEach((k, x) -> out.put(k, plain(x)));
                yield out;
            }
            case RegexValue r -> "/" + r.pattern() + "/";
            case CharValue c -> String.valueOf(c.value());
            case RangeValue r -> "r" + (r.lowerInclusive() ? "[" : "(") + plain(r.lower()) + "," + plain(r.upper())
                    + (r.upperInclusive() ? "]" : ")");
            default -> String.valueOf(v);
        };
    }

    // ------------------------------------------------------------------ structured

    private Object structuredReport(String dataName, FileEvaluation ev) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", dataName);
        m.put("metadata", new LinkedHashMap<>());
        m.put("status", ev.status().name());
        List<Object> notCompliant = new ArrayList<>();
        Set<String> notApplicable = new LinkedHashSet<>();
        Set<String> compliant = new LinkedHashSet<>();
        for (RuleResult r : ev.rules()) {
            switch (r.status()) {
                case PASS -> compliant.add(r.name());
                case SKIP -> notApplicable.add(r.name());
                case FAIL -> {
                    Map<String, Object> rule = new LinkedHashMap<>();
                    rule.put("name", r.name());
                    rule.put("metadata", new LinkedHashMap<>());
                    Map<String, Object> messages = new LinkedHashMap<>();
                    messages.put("custom_message", null);
                    messages.put("error_message", null);
                    rule.put("messages", messages);
                    List<Object> checks = new ArrayList<>();
                    for (ClauseFailure f : r.failures()) {
                        checks.add(structuredCheck(f));
                    }
                    rule.put("checks", checks);
                    notCompliant.add(Map.of("Rule", rule));
                }
            }
        }
        m.put("not_compliant", notCompliant);
        m.put("not_applicable", new ArrayList<>(notApplicable));
        m.put("compliant", new ArrayList<>(compliant));
        return m;
    }

    private static Object structuredCheck(ClauseFailure f) {
        Map<String, Object> messages = new LinkedHashMap<>();
        messages.put("custom_message", f.customMessage());
        messages.put("error_message", f.reason());
        Map<String, Object> check = new LinkedHashMap<>();
        if (f.kind() == ClauseFailure.Kind.MISSING_PROPERTY) {
            Map<String, Object> un = new LinkedHashMap<>();
            un.put("value", Map.of("traversed_to", valueWithPath(f.traversedTo()),
                    "remaining_query", f.remainingQuery() == null ? "" : f.remainingQuery(),
                    "reason", f.reason()));
            un.put("comparison", comparison(f));
            check.put("UnResolved", un);
        } else if (f.actual() != null) {
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("from", valueWithPath(f.actual()));
            if (f.expected() != null) {
                res.put("to", valueWithPath(f.expected()));
            }
            res.put("comparison", comparison(f));
            check.put("Resolved", res);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("context", f.location().fileName() + ":" + f.location().line() + ":" + f.location().column());
        body.put("messages", messages);
        body.put("check", check);
        String kind = f.operator() != null && !f.operator().isUnary() ? "Binary" : "Unary";
        return Map.of("Clause", Map.of(kind, body));
    }

    private static Object comparison(ClauseFailure f) {
        List<Object> c = new ArrayList<>();
        c.add(f.operator() == null ? "Exists" : f.operator().name());
        c.add(f.negated());
        return c;
    }

    private static Object valueWithPath(Value v) {
        if (v == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", v.path());
        m.put("value", plain(v));
        return m;
    }

    private String junit() {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        int tests = 0;
        int failures = 0;
        for (List<Object[]> l : byData.values()) {
            tests += l.size();
            for (Object[] o : l) {
                failures += ((FileEvaluation) o[1]).status() == Status.FAIL ? 1 : 0;
            }
        }
        sb.append("<testsuites name=\"cfn-guard validate report\" tests=\"").append(tests).append("\" failures=\"")
                .append(failures).append("\" errors=\"0\">\n");
        for (Map.Entry<String, List<Object[]>> e : byData.entrySet()) {
            long f = e.getValue().stream().filter(o -> ((FileEvaluation) o[1]).status() == Status.FAIL).count();
            sb.append("    <testsuite name=\"").append(xml(e.getKey())).append("\" errors=\"0\" failures=\"").append(f)
                    .append("\" time=\"0\">\n");
            for (Object[] o : e.getValue()) {
                FileEvaluation ev = (FileEvaluation) o[1];
                String name = xml((String) o[0]);
                if (ev.status() == Status.FAIL) {
                    sb.append("        <testcase name=\"").append(name).append("\" time=\"0\">\n");
                    for (ClauseFailure cf : ev.failures()) {
                        sb.append("            <failure message=\"").append(xml(cf.rule() + ": " + cf.reason()))
                                .append("\" />\n");
                    }
                    sb.append("        </testcase>\n");
                } else {
                    sb.append("        <testcase name=\"").append(name).append("\" time=\"0\"")
                            .append(ev.status() == Status.SKIP ? ">\n            <skipped />\n        </testcase>\n" : " />\n");
                }
            }
            sb.append("    </testsuite>\n");
        }
        return sb.append("</testsuites>\n").toString();
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private Object sarif() {
        List<Object> results = new ArrayList<>();
        for (Map.Entry<String, List<Object[]>> e : byData.entrySet()) {
            for (Object[] o : e.getValue()) {
                FileEvaluation ev = (FileEvaluation) o[1];
                for (ClauseFailure f : ev.failures()) {
                    Map<String, Object> r = new LinkedHashMap<>();
                    String id = f.rule().contains(".") ? f.rule().substring(0, f.rule().indexOf('.')) : f.rule();
                    r.put("ruleId", id.toUpperCase(java.util.Locale.ROOT));
                    r.put("level", "error");
                    r.put("message", Map.of("text", f.customMessage() != null ? f.customMessage().strip() : f.reason()));
                    Value at = f.actual() != null ? f.actual() : f.traversedTo();
                    Map<String, Object> region = new LinkedHashMap<>();
                    region.put("startLine", at == null ? 1L : (long) Math.max(1, at.position().line()));
                    region.put("startColumn", at == null ? 1L : (long) Math.max(1, at.position().column() + 1));
                    Map<String, Object> physical = new LinkedHashMap<>();
                    physical.put("artifactLocation", Map.of("uri", e.getKey()));
                    physical.put("region", region);
                    r.put("locations", List.of(Map.of("physicalLocation", physical)));
                    results.add(r);
                }
            }
        }
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "cfn-guard");
        driver.put("semanticVersion", "3.1.1");
        driver.put("fullName", "cfn-guard 3.1.1");
        driver.put("organization", "Amazon Web Services");
        driver.put("downloadUri", "https://github.com/aws-cloudformation/cloudformation-guard");
        driver.put("informationUri", "https://github.com/aws-cloudformation/cloudformation-guard");
        driver.put("shortDescription", Map.of("text",
                "AWS CloudFormation Guard is an open-source general-purpose policy-as-code evaluation tool."));
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("tool", Map.of("driver", driver));
        run.put("artifacts", byData.keySet().stream().map(k -> (Object) Map.of("location", Map.of("uri", k))).toList());
        run.put("results", results);
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        top.put("version", "2.1.0");
        top.put("runs", List.of(run));
        return top;
    }

    static String resourceOf(ClauseFailure f) {
        Value v = f.actual() != null ? f.actual() : f.traversedTo();
        if (v == null) {
            return "";
        }
        String p = v.path();
        if (p.startsWith("/Resources/")) {
            int end = p.indexOf('/', "/Resources/".length());
            return end < 0 ? p.substring("/Resources/".length()) : p.substring("/Resources/".length(), end);
        }
        return "";
    }
}
