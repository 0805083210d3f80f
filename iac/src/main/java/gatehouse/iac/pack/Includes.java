package gatehouse.iac.pack;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.guard.ast.ParameterizedRule;
import gatehouse.guard.ast.Rule;
import gatehouse.guard.ast.RulesFile;
import gatehouse.guard.parse.GuardParseException;
import gatehouse.guard.parse.Parser;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves {@code gh_include 'path'} (cfn-guard's request #342: share variables and functions between rule files).
 *
 * <p>An included file contributes its file-level {@code let}s (the including file's own win on a name clash),
 * its parameterized rules, and its named rules as <em>library</em> rules: they can be referenced by name but are
 * never reported themselves. Includes nest; a cycle, a missing file or a rule defined both here and in an included
 * file is an input error at the {@code gh_include} line.
 */
public final class Includes {
    /** Finds an included file: the including file's name and the path as written, to (name, text). */
    @FunctionalInterface
    public interface Source {
        Optional<Map.Entry<String, String>> find(String includingFile, String path);
    }

    private final Source source;
    private final Map<String, RulesFile> parsed = new HashMap<>();
    /** Every file name reached through an include, so directory loads can skip them as rule files. */
    private final Set<String> included = new LinkedHashSet<>();

    public Includes(Source source) {
        this.source = source;
    }

    public Set<String> included() {
        return included;
    }

    /** The file with its includes folded in; the same file when it has none. */
    public RulesFile resolve(RulesFile file) {
        if (file.includes().isEmpty()) {
            return file;
        }
        Deque<String> stack = new ArrayDeque<>();
        stack.push(file.fileName());
        List<RulesFile> libs = new ArrayList<>();
        collect(file, stack, libs, new LinkedHashSet<>());
        List<gatehouse.guard.ast.LetExpr> lets = new ArrayList<>();
        List<ParameterizedRule> params = new ArrayList<>();
        List<Rule> library = new ArrayList<>();
        Map<String, String> ruleOrigin = new HashMap<>();
        for (Rule r : file.guardRules()) {
            ruleOrigin.put(r.ruleName(), file.fileName());
        }
        for (RulesFile lib : libs) {
            lets.addAll(lib.assignments());
            params.addAll(lib.parameterizedRules());
            for (Rule r : lib.guardRules()) {
                if (r.ruleName().equals(RulesFile.DEFAULT_RULE_NAME)) {
                    continue; // an included file's top-level clauses are not a rule of the including file
                }
                String other = ruleOrigin.putIfAbsent(r.ruleName(), lib.fileName());
                if (other != null && !other.equals(lib.fileName())) {
                    throw error(file.includes().get(0), file.fileName(), "rule " + r.ruleName() + " is defined both in "
                            + other + " and in included " + lib.fileName(), "rename one of them");
                }
                library.add(r);
            }
        }
        lets.addAll(file.assignments());
        params.addAll(file.parameterizedRules());
        return new RulesFile(file.fileName(), lets, file.guardRules(), params, file.includes(), library,
                file.interpolateMessages());
    }

    private void collect(RulesFile file, Deque<String> stack, List<RulesFile> out, Set<String> done) {
        for (RulesFile.Include inc : file.includes()) {
            Map.Entry<String, String> found = source.find(file.fileName(), inc.path()).orElseThrow(() ->
                    error(inc, file.fileName(), "included file " + inc.path() + " not found",
                            "paths are relative to the including file"));
            String name = found.getKey();
            if (stack.contains(name)) {
                throw error(inc, file.fileName(), "include cycle: " + String.join(" -> ", stack.reversed()) + " -> " + name,
                        "a file may not include itself, directly or through others");
            }
            included.add(name);
            if (!done.add(name)) {
                continue; // reached twice through different paths: its contents count once
            }
            RulesFile lib = parsed.computeIfAbsent(name, n -> parse(n, found.getValue()));
            stack.push(name);
            collect(lib, stack, out, done);
            stack.pop();
            out.add(lib);
        }
    }

    private static RulesFile parse(String name, String text) {
        try {
            return Parser.parse(name, text, Parser.Dialect.GATEHOUSE);
        } catch (GuardParseException e) {
            throw new InputException(e.diagnostics(), e);
        }
    }

    private static InputException error(RulesFile.Include inc, String file, String message, String hint) {
        int line = inc.location() == null ? 1 : inc.location().line();
        int col = inc.location() == null ? 1 : inc.location().column();
        return new InputException(Diagnostic.of("include", SourceSpan.at(file, line, col), message, hint));
    }
}
