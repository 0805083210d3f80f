package gatehouse.cli.guard;

import gatehouse.core.Diagnostic;
import gatehouse.core.TreeWriter;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.NullValue;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.guard.ast.RulesFile;
import gatehouse.guard.eval.Evaluator;
import gatehouse.guard.eval.FileEvaluation;
import gatehouse.guard.eval.GuardEvaluationException;
import gatehouse.guard.eval.RuleResult;
import gatehouse.guard.eval.Status;
import gatehouse.guard.parse.GuardParseException;
import gatehouse.guard.parse.Parser;
import gatehouse.iac.load.DocumentLoader;
import gatehouse.iac.load.LoadException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code guard test}: runs Guard unit-test specs (a YAML/JSON list of {@code {name, input, expectations:
 * {rules: {NAME: PASS|FAIL|SKIP}}}}) against a rule file, with cfn-guard's matching rules: an expected PASS or
 * FAIL is met when any block of that name has it, an expected SKIP only when all blocks are SKIP;
 * expectations naming no rule of the file are ignored.
 */
final class TestRunner {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean verbose;
    private final String format;

    TestRunner(PrintStream out, PrintStream err, boolean verbose, String format) {
        this.out = out;
        this.err = err;
        this.verbose = verbose;
        this.format = format;
    }

    int run(String rulesFile, String testData, String dir, boolean lastModified) {
        if (format.equals("sarif")) {
            err.println("Error occurred sarif output is not supported by the test command");
            return GuardExitCode.ERROR.code;
        }
        if (!List.of("single-line-summary", "json", "yaml", "junit").contains(format)) {
            err.println("error: invalid value '" + format + "' for '--output-format'");
            return GuardExitCode.USAGE.code;
        }
        if (verbose && !format.equals("single-line-summary")) {
            err.println("Error occurred Cannot provide an output_type of JSON, YAML, or JUnit while the verbose flag is set");
            return GuardExitCode.ERROR.code;
        }
        List<String[]> pairs = new ArrayList<>(); // rule file as given, test file
        try {
            if (dir != null) {
                Path d = GuardCommand.resolve(dir);
                List<Path> rules;
                try (Stream<Path> s = Files.walk(d)) {
                    rules = s.filter(Files::isRegularFile).filter(p -> {
                        String n = p.getFileName().toString();
                        return n.endsWith(".guard") || n.endsWith(".ruleset");
                    }).sorted().toList();
                }
                for (Path r : rules) {
                    String base = r.getFileName().toString().replaceFirst("\\.(guard|ruleset)$", "");
                    Path tests = r.getParent().resolve("tests");
                    if (!Files.isDirectory(tests)) {
                        continue;
                    }
                    try (Stream<Path> s = Files.list(tests)) {
                        for (Path t : s.filter(p -> p.getFileName().toString().startsWith(base))
                                .filter(TestRunner::isDataFile).sorted().toList()) {
                            pairs.add(new String[] {dir.endsWith("/") ? dir + d.relativize(r) : dir + "/" + d.relativize(r),
                                    t.toString()});
                        }
                    }
                }
            } else {
                if (rulesFile == null || testData == null) {
                    err.println("error: the following required arguments were not provided: --rules-file and --test-data, or --dir");
                    return GuardExitCode.USAGE.code;
                }
                Path t = GuardCommand.resolve(testData);
                if (Files.isDirectory(t)) {
                    try (Stream<Path> s = Files.walk(t)) {
                        for (Path f : s.filter(Files::isRegularFile).filter(TestRunner::isDataFile).sorted().toList()) {
                            pairs.add(new String[] {rulesFile, f.toString()});
                        }
                    }
                } else {
                    pairs.add(new String[] {rulesFile, t.toString()});
                }
            }
        } catch (IOException e) {
            err.println("Error occurred I/O error when reading " + e.getMessage() + ": No such file or directory (os error 2)");
            return GuardExitCode.ERROR.code;
        }
        int exit = GuardExitCode.OK.code;
        List<Object> reports = new ArrayList<>();
        Map<String, RulesFile> parsed = new LinkedHashMap<>();
        for (String[] pair : pairs) {
            RulesFile rf = parsed.get(pair[0]);
            if (rf == null) {
                String text;
                try {
                    text = Files.readString(GuardCommand.resolve(pair[0]), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    err.println("Error occurred I/O error when reading " + pair[0] + ": No such file or directory (os error 2)");
                    return GuardExitCode.ERROR.code;
                }
                try {
                    rf = Parser.parse(pair[0], text);
                } catch (GuardParseException e) {
                    out.println("Parse Error on ruleset file " + e.cfnGuardMessage());
                    err.print(Diagnostic.renderAll(e.diagnostics()));
                    exit = GuardExitCode.TEST_ERROR.code;
                    continue;
                }
                parsed.put(pair[0], rf);
            }
            Value specs;
            try {
                specs = DocumentLoader.defaults().load(Path.of(pair[1]));
            } catch (LoadException e) {
                err.println("Error occurred " + e.cfnGuardMessage());
                err.print(Diagnostic.renderAll(e.diagnostics()));
                exit = GuardExitCode.TEST_ERROR.code;
                continue;
            }
            if (!(specs instanceof ListValue list)) {
                err.println("Error processing invalid type: map, expected a sequence");
                err.println(pair[1] + ":1:1: error: a test file holds a list of test cases (- name: ..., input: ..., expectations: ...)");
                exit = GuardExitCode.TEST_ERROR.code;
                continue;
            }
            if (dir != null && format.equals("single-line-summary")) {
                out.println("Testing Guard File " + pair[0]);
            }
            try {
                int code = runSpecs(rf, pair[0], list, reports);
                if (code != 0) {
                    exit = code;
                }
            } catch (GuardEvaluationException e) {
                err.println("Error occurred " + e.cfnGuardMessage());
                return GuardExitCode.ERROR.code;
            } catch (IllegalArgumentException e) {
                err.println("Error occurred " + e.getMessage());
                return GuardExitCode.TEST_ERROR.code;
            }
        }
        switch (format) {
            case "json" -> out.println(TreeWriter.json(reports.size() == 1 && dir == null ? reports.get(0) : reports));
            case "yaml" -> out.print(TreeWriter.yaml(reports.size() == 1 && dir == null ? reports.get(0) : reports));
            case "junit" -> out.print(junit(reports));
            default -> { }
        }
        return exit;
    }

    private static boolean isDataFile(Path p) {
        String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".json") || n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".jsn");
    }

    private int runSpecs(RulesFile rf, String ruleFileName, ListValue specs, List<Object> reports) {
        int exit = 0;
        Evaluator evaluator = new Evaluator();
        List<Object> cases = new ArrayList<>();
        int n = 0;
        for (Value spec : specs.elements()) {
            n++;
            if (!(spec instanceof MapValue sm)) {
                throw new IllegalArgumentException("test case #" + n + " is not a map");
            }
            Value input = sm.get("input");
            if (input == null) {
                input = new NullValue("", gatehouse.core.doc.Position.NONE);
            }
            String name = switch (sm.get("name")) {
                // cfn-guard prints any scalar name as written: "name: false" is the name "false"
                case StringValue s -> s.value();
                case gatehouse.core.doc.BoolValue b -> String.valueOf(b.value());
                case gatehouse.core.doc.IntValue i -> String.valueOf(i.value());
                case gatehouse.core.doc.FloatValue f -> String.valueOf(f.value());
                case null, default -> null;
            };
            Map<String, String> expected = new LinkedHashMap<>();
            if (sm.get("expectations") instanceof MapValue em && em.get("rules") instanceof MapValue rules) {
                for (Map.Entry<String, Value> e : rules.entries().entrySet()) {
                    String v = e.getValue() instanceof StringValue s ? s.value() : String.valueOf(e.getValue());
                    if (!List.of("PASS", "FAIL", "SKIP").contains(v)) {
                        throw new IllegalArgumentException("expected status of " + e.getKey() + " must be PASS, FAIL or SKIP, got " + v);
                    }
                    expected.put(e.getKey(), v);
                }
            }
            FileEvaluation ev = evaluator.evaluate(rf, input);
            Map<String, List<Status>> statuses = new LinkedHashMap<>();
            for (RuleResult r : ev.rules()) {
                statuses.computeIfAbsent(r.name(), k -> new ArrayList<>()).add(r.status());
            }
            List<String> skippedRules = new ArrayList<>();
            List<Object> passed = new ArrayList<>();
            List<Object> failed = new ArrayList<>();
            List<String> passLines = new ArrayList<>();
            List<String> failLines = new ArrayList<>();
            Set<String> ruleNames = new LinkedHashSet<>(statuses.keySet());
            for (String rule : ruleNames) {
                String want = expected.get(rule);
                List<Status> got = statuses.get(rule);
                if (want == null) {
                    skippedRules.add(rule);
                    continue;
                }
                boolean ok = want.equals("SKIP") ? got.stream().allMatch(s -> s == Status.SKIP)
                        : got.stream().anyMatch(s -> s.name().equals(want));
                if (ok) {
                    passLines.add("    " + rule + ": Expected = " + want);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", rule);
                    m.put("evaluated", want);
                    passed.add(m);
                } else {
                    List<String> gotNames = got.stream().map(Enum::name).toList();
                    failLines.add("    " + rule + ": Expected = " + want + ", Evaluated = [" + String.join(", ", gotNames) + "]");
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", rule);
                    m.put("expected", want);
                    m.put("evaluated", new ArrayList<Object>(gotNames));
                    failed.add(m);
                    exit = GuardExitCode.TEST_FAILURE.code;
                }
            }
            if (format.equals("single-line-summary")) {
                out.println("Test Case #" + n);
                if (name != null) {
                    out.println("Name: " + name);
                }
                for (String s : skippedRules) {
                    out.println("  No Test expectation was set for Rule " + s);
                }
                if (!passLines.isEmpty()) {
                    out.println("  PASS Rules:");
                    passLines.forEach(out::println);
                }
                if (!failLines.isEmpty()) {
                    out.println("  FAIL Rules:");
                    failLines.forEach(out::println);
                }
                out.println();
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", name);
            c.put("passed_rules", passed);
            c.put("failed_rules", failed);
            List<Object> skipped = new ArrayList<>();
            for (String s : skippedRules) {
                skipped.add(Map.of("name", s));
            }
            c.put("skipped_rules", skipped);
            cases.add(c);
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("rule_file", ruleFileName);
        report.put("test_cases", cases);
        reports.add(report);
        return exit;
    }

    @SuppressWarnings("unchecked")
    private static String junit(List<Object> reports) {
        int tests = 0;
        int failures = 0;
        StringBuilder suites = new StringBuilder();
        for (Object o : reports) {
            Map<String, Object> r = (Map<String, Object>) o;
            StringBuilder cases = new StringBuilder();
            int suiteFailures = 0;
            for (Object co : (List<Object>) r.get("test_cases")) {
                Map<String, Object> c = (Map<String, Object>) co;
                String id = c.get("name") == null ? "" : (String) c.get("name");
                for (Object p : (List<Object>) c.get("passed_rules")) {
                    tests++;
                    cases.append("        <testcase id=\"").append(xml(id)).append("\" name=\"")
                            .append(xml((String) ((Map<String, Object>) p).get("name"))).append("\" time=\"0\" status=\"pass\"/>\n");
                }
                for (Object f : (List<Object>) c.get("failed_rules")) {
                    tests++;
                    failures++;
                    suiteFailures++;
                    Map<String, Object> fm = (Map<String, Object>) f;
                    cases.append("        <testcase id=\"").append(xml(id)).append("\" name=\"").append(xml((String) fm.get("name")))
                            .append("\" time=\"0\" status=\"fail\">\n            <failure message=\"Expected ")
                            .append(fm.get("expected")).append(", evaluated ").append(fm.get("evaluated"))
                            .append("\"/>\n        </testcase>\n");
                }
            }
            suites.append("    <testsuite name=\"").append(xml((String) r.get("rule_file"))).append("\" errors=\"0\" failures=\"")
                    .append(suiteFailures).append("\" time=\"0\">\n").append(cases).append("    </testsuite>\n");
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"cfn-guard test report\" tests=\"" + tests
                + "\" failures=\"" + failures + "\" errors=\"0\" time=\"0\">\n" + suites + "</testsuites>\n";
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
