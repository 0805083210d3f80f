package gatehouse.cli.guard;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.TreeWriter;
import gatehouse.core.exec.OrderedParallel;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.Value;
import gatehouse.guard.ast.RulesFile;
import gatehouse.guard.eval.Evaluator;
import gatehouse.guard.eval.FileEvaluation;
import gatehouse.guard.eval.GuardEvaluationException;
import gatehouse.guard.eval.PreparedDocument;
import gatehouse.guard.parse.GuardParseException;
import gatehouse.guard.parse.ParseTreeWriter;
import gatehouse.guard.parse.Parser;
import gatehouse.iac.load.DocumentLoader;
import gatehouse.iac.load.LoadException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gatehouse guard}: a drop-in for the cfn-guard 3.1.1 command line (same flags, statuses and exit
 * codes), so a pipeline can alias {@code cfn-guard} to it.
 */
@Command(name = "guard", mixinStandardHelpOptions = true,
        description = {"Drop-in for cfn-guard 3.1.1: validate data against Guard rules, run Guard unit tests, print parse trees.",
                "Exit codes mirror cfn-guard: 0 ok, 19 a rule failed, 5 a rule file did not parse, 7 a test expectation failed, 1 a test file error, 255 other errors."},
        subcommands = {GuardCommand.Validate.class, GuardCommand.Test.class, GuardCommand.ParseTree.class, GuardCommand.Rulegen.class})
public final class GuardCommand implements Runnable {
    @Spec
    CommandSpec spec;

    /** The process's standard input and base directory, set by the CLI before execution. */
    static InputStream stdin = System.in;
    static Path baseDir = Path.of("");

    /** Sets where standard input comes from and what relative paths are resolved against (for in-process runs). */
    public static void configure(InputStream in, Path base) {
        stdin = in;
        baseDir = base;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static Path resolve(String p) {
        Path path = Path.of(p);
        return path.isAbsolute() ? path : baseDir.resolve(path);
    }

    static PrintStream out(CommandSpec spec) {
        return Streams.out;
    }

    /** Streams of the current run, set by the CLI. */
    public static final class Streams {
        static PrintStream out = System.out;
        static PrintStream err = System.err;

        private Streams() {}

        public static void set(PrintStream o, PrintStream e) {
            out = o;
            err = e;
        }
    }

    static boolean debug() {
        return Boolean.getBoolean("gatehouse.debug");
    }

    /** Prints an error in cfn-guard's words on stderr, with our diagnostic after it. */
    static void error(String cfnMessage, InputException e) {
        Streams.err.println("Error occurred " + cfnMessage);
        if (e != null) {
            Streams.err.print(Diagnostic.renderAll(e.diagnostics()));
            if (debug()) {
                e.printStackTrace(Streams.err);
            }
        }
    }

    // ------------------------------------------------------------------ files

    static final List<String> RULE_EXTENSIONS = List.of(".guard", ".ruleset");
    static final List<String> DATA_EXTENSIONS = List.of(".yaml", ".yml", ".json", ".jsn", ".template");

    /** Files named on the command line, directories walked recursively for files with the given extensions. */
    static List<Path> collect(List<String> args, List<String> extensions, boolean lastModified) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String a : args) {
            Path p = resolve(a);
            if (Files.isDirectory(p)) {
                List<Path> found;
                try (Stream<Path> walk = Files.walk(p)) {
                    found = new ArrayList<>(walk.filter(Files::isRegularFile).filter(f -> {
                        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                        return extensions.stream().anyMatch(n::endsWith);
                    }).toList());
                }
                if (lastModified) {
                    found.sort(Comparator.comparing(f -> {
                        try {
                            return Files.getLastModifiedTime(f);
                        } catch (IOException e) {
                            return java.nio.file.attribute.FileTime.fromMillis(0);
                        }
                    }));
                } else {
                    found.sort(Comparator.comparing(f -> f.getFileName().toString()));
                }
                out.addAll(found);
            } else if (Files.exists(p)) {
                out.add(p);
            } else {
                throw new java.nio.file.NoSuchFileException(a);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ validate

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Evaluates rules against data files to determine success or failure (cfn-guard validate).")
    static final class Validate implements Callable<Integer> {
        @Option(names = {"-r", "--rules"}, arity = "1..*", description = "Rule files or directories (.guard, .ruleset)")
        List<String> rules = new ArrayList<>();
        @Option(names = {"-d", "--data"}, arity = "1..*", description = "Data files or directories (.yaml, .yml, .json, .jsn, .template); stdin when omitted")
        List<String> data = new ArrayList<>();
        @Option(names = {"-i", "--input-parameters"}, arity = "1..*", description = "Files merged into every data document")
        List<String> inputParams = new ArrayList<>();
        @Option(names = {"-t", "--type"}, description = "Type of data: CFNTemplate")
        String type;
        @Option(names = {"-o", "--output-format"}, defaultValue = "single-line-summary",
                description = "single-line-summary, json, yaml, junit, sarif")
        String outputFormat;
        @Option(names = {"-S", "--show-summary"}, split = ",", description = "all, pass, fail, skip, none (default: fail)")
        List<String> showSummary;
        @Option(names = {"-a", "--alphabetical"}, description = "Process files in directories alphabetically")
        boolean alphabetical;
        @Option(names = {"-m", "--last-modified"}, description = "Process files in directories by last modification time")
        boolean lastModified;
        @Option(names = {"-v", "--verbose"}, description = "Verbose evaluation report")
        boolean verbose;
        @Option(names = {"-p", "--print-json"}, description = "Print the evaluation report as JSON")
        boolean printJson;
        @Option(names = {"-P", "--payload"}, description = "Read {\"rules\": [...], \"data\": [...]} from stdin")
        boolean payload;
        @Option(names = {"-z", "--structured"}, description = "Structured output (json, yaml, junit, sarif)")
        boolean structured;

        @Override
        public Integer call() {
            if (alphabetical && lastModified) {
                Streams.err.println("error: the argument '--alphabetical' cannot be used with '--last-modified'");
                return GuardExitCode.USAGE.code;
            }
            if (structured && (verbose || printJson)) {
                Streams.err.println("error: the argument '--structured' cannot be used with '--verbose' or '--print-json'");
                return GuardExitCode.USAGE.code;
            }
            List<String> summary = showSummary == null ? List.of("fail") : showSummary;
            if (structured && !(summary.size() == 1 && summary.get(0).equals("none"))) {
                error("Cannot provide a summary-type other than `none` when the `structured` flag is present", null);
                return GuardExitCode.ERROR.code;
            }
            if (structured && outputFormat.equals("single-line-summary")) {
                error("single-line-summary is not able to be used when the `structured` flag is present", null);
                return GuardExitCode.ERROR.code;
            }
            if ((outputFormat.equals("junit") || outputFormat.equals("sarif")) && !structured) {
                error("the structured flag must be set when output is set to " + outputFormat, null);
                return GuardExitCode.ERROR.code;
            }
            if (!List.of("single-line-summary", "json", "yaml", "junit", "sarif").contains(outputFormat)) {
                Streams.err.println("error: invalid value '" + outputFormat + "' for '--output-format'");
                return GuardExitCode.USAGE.code;
            }
            if (payload && (!rules.isEmpty() || !data.isEmpty())) {
                Streams.err.println("error: the argument '--payload' cannot be used with '--rules' or '--data'");
                return GuardExitCode.USAGE.code;
            }
            if (!payload && rules.isEmpty()) {
                Streams.err.println("error: the following required arguments were not provided: --rules <RULES>");
                return GuardExitCode.USAGE.code;
            }
            DocumentLoader loader = DocumentLoader.defaults();
            List<Named<String>> ruleSources = new ArrayList<>();
            List<Named<Value>> docs = new ArrayList<>();
            try {
                if (payload) {
                    Value p = loader.load("payload", stdin);
                    if (!(p instanceof MapValue pm) || !(pm.get("rules") instanceof gatehouse.core.doc.ListValue rl)
                            || !(pm.get("data") instanceof gatehouse.core.doc.ListValue dl)) {
                        error("payload must be {\"rules\": [...], \"data\": [...]}", null);
                        return GuardExitCode.ERROR.code;
                    }
                    int i = 0;
                    for (Value r : rl.elements()) {
                        ruleSources.add(new Named<>("RULES_STDIN[" + (++i) + "]", ((gatehouse.core.doc.StringValue) r).value()));
                    }
                    i = 0;
                    for (Value d : dl.elements()) {
                        String name = "DATA_STDIN[" + (++i) + "]";
                        docs.add(new Named<>(name, loader.load(name, ((gatehouse.core.doc.StringValue) d).value())));
                    }
                } else {
                    for (Path p : collect(rules, RULE_EXTENSIONS, lastModified)) {
                        String shown = rules.contains(p.toString()) || isNamedDirectly(p) ? p.getFileName().toString()
                                : p.getFileName().toString();
                        ruleSources.add(new Named<>(shown, Files.readString(p, StandardCharsets.UTF_8)));
                    }
                    if (data.isEmpty()) {
                        docs.add(new Named<>("STDIN", loader.load("STDIN", stdin)));
                    } else {
                        // parsed in parallel; the first failure in file order is the one reported
                        List<Object> loaded = new ArrayList<>();
                        OrderedParallel.run(collect(data, DATA_EXTENSIONS, lastModified), OrderedParallel.defaultThreads(), p -> {
                            try {
                                return (Object) new Named<>(p.toAbsolutePath().normalize().toString(), loader.load(p));
                            } catch (LoadException e) {
                                return e;
                            }
                        }, loaded::add);
                        for (Object o : loaded) {
                            if (o instanceof LoadException e) {
                                throw e;
                            }
                            @SuppressWarnings("unchecked") Named<Value> doc = (Named<Value>) o;
                            docs.add(doc);
                        }
                    }
                }
                Value params = null;
                for (Path p : collect(inputParams, DATA_EXTENSIONS, lastModified)) {
                    params = merge(params, loader.load(p));
                }
                if (params != null) {
                    List<Named<Value>> merged = new ArrayList<>();
                    for (Named<Value> d : docs) {
                        merged.add(new Named<>(d.name(), merge(params, d.value())));
                    }
                    docs = merged;
                }
            } catch (java.nio.file.NoSuchFileException e) {
                Streams.err.println("Error occurred I/O error when reading " + e.getFile() + ": No such file or directory (os error 2)");
                Streams.err.println(e.getFile() + ":1:1: error: no such file or directory");
                return GuardExitCode.ERROR.code;
            } catch (java.nio.charset.MalformedInputException e) {
                error("a rule file is not UTF-8 text", null);
                return GuardExitCode.ERROR.code;
            } catch (IOException e) {
                error("I/O error: " + e.getMessage(), null);
                return GuardExitCode.ERROR.code;
            } catch (LoadException e) {
                error(e.cfnGuardMessage(), e);
                return GuardExitCode.ERROR.code;
            }
            ValidateReport report = new ValidateReport(Streams.out, summary, outputFormat, structured, verbose || printJson);
            int threads = OrderedParallel.defaultThreads();
            // every rule file is parsed once, in parallel; errors are reported where the sequential order meets them
            List<Object> parsed = new ArrayList<>(ruleSources.size());
            OrderedParallel.run(ruleSources, threads, rs -> {
                try {
                    return (Object) Parser.parse(rs.name(), rs.value());
                } catch (GuardParseException e) {
                    return e;
                }
            }, parsed::add);
            Evaluator evaluator = new Evaluator();
            List<Pair> pairs = new ArrayList<>(docs.size() * ruleSources.size());
            for (Named<Value> doc : docs) {
                PreparedDocument prepared = evaluator.prepare(doc.value());
                for (int r = 0; r < ruleSources.size(); r++) {
                    pairs.add(new Pair(doc, prepared, r));
                }
            }
            int[] exit = {GuardExitCode.OK.code};
            int[] next = {0};
            OrderedParallel.run(pairs, threads, pair -> {
                if (parsed.get(pair.rule()) instanceof RulesFile rf && !rf.isEmpty()) {
                    try {
                        return (Object) evaluator.evaluate(rf, pair.prepared());
                    } catch (GuardEvaluationException e) {
                        return e;
                    }
                }
                return null;
            }, outcome -> {
                Pair pair = pairs.get(next[0]++);
                Named<String> rs = ruleSources.get(pair.rule());
                if (parsed.get(pair.rule()) instanceof GuardParseException e) {
                    Streams.err.println("Parsing error handling rule file = " + rs.name() + ", Error = " + e.cfnGuardMessage());
                    Streams.err.println("---");
                    Streams.err.print(Diagnostic.renderAll(e.diagnostics()));
                    if (payload) {
                        exit[0] = GuardExitCode.ERROR.code; // cfn-guard treats a payload's rule errors as errors
                        return false;
                    }
                    exit[0] = GuardExitCode.PARSE_ERROR.code;
                    return true;
                }
                if (outcome instanceof GuardEvaluationException e) {
                    error(e.cfnGuardMessage(), e);
                    exit[0] = GuardExitCode.ERROR.code;
                    return false;
                }
                if (outcome instanceof FileEvaluation ev) {
                    report.add(pair.doc().name(), pair.doc().value(), rs.name(), ev);
                    if (ev.status() == gatehouse.guard.eval.Status.FAIL) {
                        exit[0] = GuardExitCode.FAIL.code; // the last non-zero code of a rule file wins, as in cfn-guard
                    }
                }
                return true;
            });
            if (exit[0] == GuardExitCode.ERROR.code) {
                return exit[0];
            }
            report.finish();
            return exit[0];
        }

        private boolean isNamedDirectly(Path p) {
            return false;
        }
    }

    record Named<T>(String name, T value) {}

    private record Pair(Named<Value> doc, PreparedDocument prepared, int rule) {}

    /** Deep-merges two documents: maps merge key by key, the second wins elsewhere. */
    static Value merge(Value a, Value b) {
        if (a == null) {
            return b;
        }
        if (a instanceof MapValue ma && b instanceof MapValue mb) {
            Map<String, Value> m = new LinkedHashMap<>(ma.entries());
            Map<String, Position> k = new LinkedHashMap<>();
            ma.entries().keySet().forEach(x -> k.put(x, ma.keyPosition(x)));
            mb.entries().forEach((key, v) -> {
                m.put(key, m.containsKey(key) ? merge(m.get(key), v) : v);
                k.put(key, mb.keyPosition(key));
            });
            return new MapValue(b.path(), b.position(), m, k);
        }
        return b;
    }

    // ------------------------------------------------------------------ test

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Runs Guard unit tests: rules against test specs with expected statuses (cfn-guard test).")
    static final class Test implements Callable<Integer> {
        @Option(names = {"-r", "--rules-file"}, description = "The rule file")
        String rulesFile;
        @Option(names = {"-t", "--test-data"}, description = "Test spec file or directory")
        String testData;
        @Option(names = {"-d", "--dir"}, description = "Directory of X.guard files with tests/X*_tests.yaml beside them")
        String dir;
        @Option(names = {"-a", "--alphabetical"}, description = "Process files alphabetically")
        boolean alphabetical;
        @Option(names = {"-m", "--last-modified"}, description = "Process files by last modification time")
        boolean lastModified;
        @Option(names = {"-v", "--verbose"}, description = "Verbose output")
        boolean verbose;
        @Option(names = {"-o", "--output-format"}, defaultValue = "single-line-summary",
                description = "single-line-summary, json, yaml, junit")
        String outputFormat;

        @Override
        public Integer call() {
            return new TestRunner(Streams.out, Streams.err, verbose, outputFormat)
                    .run(rulesFile, testData, dir, lastModified);
        }
    }

    // ------------------------------------------------------------------ parse-tree

    @Command(name = "parse-tree", mixinStandardHelpOptions = true,
            description = "Prints the parse tree of a rule file (cfn-guard parse-tree).")
    static final class ParseTree implements Callable<Integer> {
        @Option(names = {"-r", "--rules"}, description = "The rule file; stdin when omitted")
        String rules;
        @Option(names = {"-o", "--output"}, description = "Write the tree to this file")
        String output;
        @Option(names = {"-j", "--print-json"}, description = "Print JSON")
        boolean json;
        @Option(names = {"-y", "--print-yaml"}, description = "Print YAML (the default)")
        boolean yaml;

        @Override
        public Integer call() {
            String name;
            String text;
            try {
                if (rules == null) {
                    name = "STDIN";
                    text = new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
                } else {
                    name = rules;
                    text = Files.readString(resolve(rules), StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                Streams.err.println("Error occurred I/O error when reading " + rules + ": No such file or directory (os error 2)");
                return GuardExitCode.ERROR.code;
            }
            RulesFile rf;
            try {
                rf = Parser.parse(Path.of(name).getFileName().toString(), text);
            } catch (GuardParseException e) {
                Streams.err.println("Error occurred " + e.cfnGuardMessage());
                Streams.err.print(Diagnostic.renderAll(e.diagnostics()));
                return GuardExitCode.ERROR.code;
            }
            String tree = json ? ParseTreeWriter.toJson(rf) : ParseTreeWriter.toYaml(rf);
            if (output != null) {
                try {
                    Files.writeString(resolve(output), tree);
                } catch (IOException e) {
                    Streams.err.println("Error occurred I/O error when writing " + output + ": " + e.getMessage());
                    return GuardExitCode.ERROR.code;
                }
            } else {
                Streams.out.print(tree);
            }
            return GuardExitCode.OK.code;
        }
    }

    // ------------------------------------------------------------------ rulegen

    @Command(name = "rulegen", mixinStandardHelpOptions = true,
            description = "Generates rules that a compliant CloudFormation template satisfies (cfn-guard rulegen).")
    static final class Rulegen implements Callable<Integer> {
        @Option(names = {"-t", "--template"}, required = true, description = "The template")
        String template;
        @Option(names = {"-o", "--output"}, description = "Write the rules to this file")
        String output;

        @Override
        public Integer call() {
            Value doc;
            try {
                doc = DocumentLoader.defaults().load(resolve(template));
            } catch (LoadException e) {
                error(e.cfnGuardMessage(), e);
                return GuardExitCode.ERROR.code;
            }
            String rules = RuleGenerator.generate(doc);
            if (output != null) {
                try {
                    Files.writeString(resolve(output), rules);
                } catch (IOException e) {
                    Streams.err.println("Error occurred I/O error when writing " + output + ": " + e.getMessage());
                    return GuardExitCode.ERROR.code;
                }
            } else {
                Streams.out.print(rules);
            }
            return GuardExitCode.OK.code;
        }
    }

    static String json(Object tree) {
        return TreeWriter.json(tree);
    }
}
