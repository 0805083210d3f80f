package gatehouse.iac.pack;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.core.finding.Rule;
import gatehouse.core.finding.Severity;
import gatehouse.guard.ast.RulesFile;
import gatehouse.guard.parse.GuardParseException;
import gatehouse.guard.parse.Parser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Loads policy rules: the built-in pack shipped in the jar ({@code gatehouse/pack/rules/<family>/<ID>.guard})
 * and users' Guard files. Files are read in the Gatehouse dialect of Guard (see docs/rule-pack.md).
 */
public final class RulePack {
    static final String ROOT = "gatehouse/pack/rules";
    /** Risk score per severity for rules that do not state their own (user rules without a header). */
    public static final Map<Severity, Integer> DEFAULT_RISK = Map.of(Severity.CRITICAL, 50, Severity.HIGH, 20,
            Severity.MEDIUM, 8, Severity.LOW, 2, Severity.INFO, 0);

    private RulePack() {}

    /** The built-in rules, in id order. */
    public static List<PackRule> builtin() {
        List<PackRule> out = new ArrayList<>();
        List<Map.Entry<String, String>> sources = builtinSources();
        Map<String, String> byPath = new java.util.HashMap<>();
        sources.forEach(e -> byPath.put(e.getKey(), e.getValue()));
        Includes includes = new Includes((from, path) -> {
            String key = Path.of(from).resolveSibling(path).normalize().toString().replace('\\', '/');
            return java.util.Optional.ofNullable(byPath.get(key)).map(t -> Map.entry(key, t));
        });
        for (Map.Entry<String, String> e : sources) {
            out.addAll(load("builtin:" + e.getKey(), e.getKey(), e.getValue(), true, includes));
        }
        out.sort(Comparator.comparing(PackRule::id));
        return out;
    }

    /** The built-in rule files as (path under the pack root, text), sorted by path. */
    public static List<Map.Entry<String, String>> builtinSources() {
        URL url = RulePack.class.getClassLoader().getResource(ROOT);
        if (url == null) {
            return List.of();
        }
        try {
            URI uri = url.toURI();
            if (uri.getScheme().equals("jar")) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                return read(fs.getPath(ROOT));
            }
            return read(Path.of(uri));
        } catch (URISyntaxException | IOException e) {
            throw new UncheckedIOException(new IOException("cannot list the built-in rule pack: " + e.getMessage(), e));
        }
    }

    private static List<Map.Entry<String, String>> read(Path root) throws IOException {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".guard")).sorted().toList()) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                out.add(Map.entry(rel, Files.readString(p, StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    /**
     * Loads the rules of one Guard file.
     *
     * @param source  where it came from (shown in reports)
     * @param name    the file name used in messages
     * @param builtin whether the header is required (built-in rules must have one)
     * @throws InputException when the file does not parse or its header is incomplete
     */
    public static List<PackRule> load(String source, String name, String text, boolean builtin) {
        return load(source, name, text, builtin, new Includes(FILE_INCLUDES));
    }

    /** {@code gh_include} paths resolved on the file system, relative to the including file. */
    static final Includes.Source FILE_INCLUDES = (from, path) -> {
        Path p = Path.of(from).resolveSibling(path).normalize();
        if (!Files.isRegularFile(p)) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Map.entry(p.toString(), readText(p)));
        } catch (IOException e) {
            throw new InputException(Diagnostic.of("io", SourceSpan.at(p.toString(), 0, 0),
                    "cannot read: " + e.getMessage(), null));
        }
    };

    static List<PackRule> load(String source, String name, String text, boolean builtin, Includes includes) {
        Map<String, String> h = RuleHeader.parse(name, text);
        RulesFile file;
        try {
            file = includes.resolve(Parser.parse(name, text, Parser.Dialect.GATEHOUSE));
        } catch (GuardParseException e) {
            throw new InputException(e.diagnostics(), e);
        }
        if (h.isEmpty()) {
            if (builtin) {
                throw headerError(name, "a built-in rule file needs a header", "see docs/rule-pack.md");
            }
            // a plain Guard file: each named rule is a finding rule of its own, severity high
            List<PackRule> out = new ArrayList<>();
            java.util.Set<String> seen = new java.util.LinkedHashSet<>();
            file.guardRules().forEach(r -> seen.add(r.ruleName()));
            for (String rule : seen) {
                Rule meta = new Rule(rule, rule, Severity.HIGH, DEFAULT_RISK.get(Severity.HIGH), "custom",
                        "", "", List.of(), "");
                out.add(new PackRule(meta, rule, file, source, List.of(), List.of()));
            }
            return out;
        }
        for (String k : RuleHeader.REQUIRED) {
            if (h.get(k) == null || h.get(k).isBlank()) {
                throw headerError(name, "the header lacks @" + k, "see docs/rule-pack.md for the header keys");
            }
        }
        Severity sev = Severity.parse(h.get("severity")).orElseThrow(() -> headerError(name,
                "@severity must be critical, high, medium, low or info, not " + h.get("severity"), null));
        int risk;
        try {
            risk = Integer.parseInt(h.get("risk").strip());
        } catch (NumberFormatException e) {
            throw headerError(name, "@risk must be an integer, not " + h.get("risk"), "e.g. # @risk 20");
        }
        String guardRule = h.get("rule").strip();
        if (file.guardRules().stream().noneMatch(r -> r.ruleName().equals(guardRule))) {
            throw headerError(name, "@rule names " + guardRule + ", which the file does not define",
                    "name the rule whose failures are the findings");
        }
        List<String> refs = Arrays.stream(h.get("references").split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        Rule meta = new Rule(h.get("id").strip(), h.get("title"), sev, risk, h.get("family").strip(), h.get("rationale"),
                h.get("remediation"), refs, "docs/rules/" + h.get("id").strip() + ".md");
        List<String> config = h.containsKey("config")
                ? Arrays.stream(h.get("config").split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList() : List.of();
        List<String> types = Arrays.stream(h.get("resource").split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        return List.of(new PackRule(meta, guardRule, file, source, config, types));
    }

    /** Loads a user's rule file or every {@code .guard} file under a directory. */
    public static List<PackRule> loadPath(Path path) {
        List<PackRule> out = new ArrayList<>();
        Includes includes = new Includes(FILE_INCLUDES);
        try {
            if (Files.isDirectory(path)) {
                Map<String, List<PackRule>> byFile = new java.util.LinkedHashMap<>();
                try (Stream<Path> s = Files.walk(path)) {
                    for (Path p : s.filter(f -> f.toString().endsWith(".guard") && Files.isRegularFile(f)).sorted().toList()) {
                        String name = p.normalize().toString();
                        byFile.put(name, load(name, name, readText(p), false, includes));
                    }
                }
                // a file another one includes is a library, not a rule file of its own
                byFile.forEach((name, rules) -> {
                    if (!includes.included().contains(name)) {
                        out.addAll(rules);
                    }
                });
            } else {
                String name = path.normalize().toString();
                out.addAll(load(name, name, readText(path), false, includes));
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InputException(Diagnostic.of("io", SourceSpan.at(path.toString(), 0, 0),
                    "no such rule file or directory", "check the --rules path"));
        } catch (IOException e) {
            throw new InputException(Diagnostic.of("io", SourceSpan.at(path.toString(), 0, 0),
                    "cannot read: " + e.getMessage(), null));
        }
        return out;
    }

    private static String readText(Path p) throws IOException {
        byte[] b = Files.readAllBytes(p);
        String s = new String(b, StandardCharsets.UTF_8);
        if (s.indexOf('\0') >= 0 || s.indexOf('\uFFFD') >= 0) {
            throw new InputException(Diagnostic.of("binary", SourceSpan.at(p.toString(), 1, 1),
                    "not a UTF-8 text file", "rule files are Guard source text"));
        }
        return s;
    }

    private static InputException headerError(String file, String message, String hint) {
        return new InputException(Diagnostic.of("rule_header", SourceSpan.at(file, 1, 1), message, hint));
    }

}
