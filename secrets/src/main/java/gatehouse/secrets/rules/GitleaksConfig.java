package gatehouse.secrets.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.re2j.PatternSyntaxException;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads rule sets in gitleaks' TOML configuration format, unchanged: {@code [[rules]]} with {@code regex},
 * {@code secretGroup}, {@code entropy}, {@code keywords}, {@code path}, {@code tags} and allowlists (the old
 * {@code [rules.allowlist]} table or {@code [[rules.allowlists]]}), global allowlists ({@code [allowlist]} or
 * {@code [[allowlists]]} with {@code targetRules}), and {@code [extend]} with {@code useDefault}, {@code path}
 * and {@code disabledRules}, two levels deep as gitleaks does. {@code useDefault} extends Gatehouse's own
 * default rules. Every mistake gitleaks rejects is an {@link InputException} naming the file (and, for TOML
 * syntax, the line and column).
 */
public final class GitleaksConfig {
    /** gitleaks follows {@code [extend]} this many levels below the file it was given. */
    public static final int MAX_EXTEND_DEPTH = 2;
    static final String DEFAULT_RESOURCE = "/gatehouse/secrets/default-rules.toml";

    private static volatile RuleSet defaults;

    private final Path workDir;
    private final boolean lazy;

    /** @param workDir where relative {@code [extend] path}s resolve when not found beside the including file */
    public GitleaksConfig(Path workDir) {
        this(workDir, false);
    }

    private GitleaksConfig(Path workDir, boolean lazy) {
        this.workDir = workDir;
        this.lazy = lazy;
    }

    /** The configuration a project keeps at its root, as gitleaks names it. */
    public static final String PROJECT_FILE = ".gitleaks.toml";

    /** The rules of the project at {@code dir}: its {@link #PROJECT_FILE} when there is one, else Gatehouse's defaults. */
    public static RuleSet forProject(Path dir) {
        Path local = dir.resolve(PROJECT_FILE);
        return Files.isRegularFile(local) ? new GitleaksConfig(dir).load(local) : defaults();
    }

    /** Gatehouse's default rules (cached; immutable). */
    public static RuleSet defaults() {
        RuleSet d = defaults;
        if (d == null) {
            try (InputStream in = GitleaksConfig.class.getResourceAsStream(DEFAULT_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
                }
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                d = new GitleaksConfig(Path.of("."), true).parse("builtin:default-rules.toml", text, null, 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            defaults = d;
        }
        return d;
    }

    /** Loads a config file. */
    public RuleSet load(Path file) {
        return parse(file.toString(), read(file, file.toString()), file.toAbsolutePath().getParent(), 0);
    }

    /** Parses config text; {@code dir} is where the file lives (null for built-ins). */
    public RuleSet parse(String name, String text, Path dir, int depth) {
        JsonNode root;
        Toml.Document doc;
        try {
            doc = Toml.parseDocument(text);
            root = doc.root();
        } catch (Toml.TomlException e) {
            throw new InputException(Diagnostic.of("toml", SourceSpan.at(name, e.line, e.column), "invalid TOML: "
                    + e.getMessage(), "a gitleaks config is TOML: [[rules]] tables with id and regex"));
        }
        if (root == null || !root.isObject()) {
            throw error(name, "not a gitleaks config (expected TOML tables)", null);
        }
        Map<String, RuleDraft> rules = new LinkedHashMap<>();
        List<Allowlist> global = new ArrayList<>();
        JsonNode ext = root.get("extend");
        if (ext != null && depth < MAX_EXTEND_DEPTH) {
            RuleSet base = null;
            if (ext.path("useDefault").asBoolean(false)) {
                base = defaults();
            } else if (ext.hasNonNull("path")) {
                String p = ext.get("path").asText();
                Path found = resolve(p, dir);
                if (found == null) {
                    throw error(at(name, doc, ext, "path"), "[extend] path " + p + " not found",
                            "paths are relative to the config file");
                }
                base = parse(found.toString(), read(found, found.toString()), found.toAbsolutePath().getParent(), depth + 1);
            }
            if (base != null) {
                Set<String> disabled = new HashSet<>();
                ext.path("disabledRules").forEach(n -> disabled.add(n.asText()));
                for (SecretRule r : base.rules()) {
                    if (!disabled.contains(r.id())) {
                        rules.put(r.id(), RuleDraft.of(r));
                    }
                }
                global.addAll(base.allowlists());
            }
        }
        JsonNode list = root.get("rules");
        if (list != null) {
            if (!list.isArray()) {
                throw error(at(name, doc, root, "rules"), "rules must be an array of tables ([[rules]])", null);
            }
            int i = 0;
            for (JsonNode r : list) {
                i++;
                String id = r.path("id").asText("");
                if (id.isBlank()) {
                    throw error(at(name, doc, r, null), "rule #" + i + " has no id",
                            "every [[rules]] table needs id = \"...\"");
                }
                RuleDraft d = draft(name, doc, id, r);
                RuleDraft base = rules.get(id);
                rules.put(id, base == null ? d : base.extendWith(d));
            }
        }
        boolean oldGlobal = root.has("allowlist");
        boolean newGlobal = root.has("allowlists");
        if (oldGlobal && newGlobal) {
            throw error(at(name, doc, root, "allowlists"), "both [allowlist] and [[allowlists]] are set",
                    "use [[allowlists]] only");
        }
        List<JsonNode> globals = new ArrayList<>();
        if (oldGlobal) {
            globals.add(root.get("allowlist"));
        }
        if (newGlobal) {
            root.get("allowlists").forEach(globals::add);
        }
        List<SecretRule> built = new ArrayList<>();
        boolean extending = ext != null && depth < MAX_EXTEND_DEPTH;
        for (RuleDraft d : rules.values()) {
            if (extending && d.regex == null && d.path == null && d.compiled == null) {
                continue; // gitleaks accepts a new rule without regex or path in an extending config; it can match nothing
            }
            built.add(d.build(name, this));
        }
        Set<String> ids = rules.keySet();
        for (JsonNode a : globals) {
            Allowlist al = allowlist(name, doc, "global allowlist", a);
            for (String t : al.targetRules()) {
                if (!ids.contains(t)) {
                    throw error(at(name, doc, a, "targetRules"), "global allowlist targets rule " + t
                            + ", which is not defined", null);
                }
            }
            global.add(al);
        }
        return new RuleSet(root.path("title").asText(""), built, global);
    }

    private RuleDraft draft(String file, Toml.Document doc, String id, JsonNode r) {
        RuleDraft d = new RuleDraft();
        d.id = id;
        d.at = at(file, doc, r, null);
        d.regexAt = at(file, doc, r, "regex");
        d.pathAt = at(file, doc, r, "path");
        d.groupAt = at(file, doc, r, "secretGroup");
        d.description = r.hasNonNull("description") ? r.get("description").asText() : null;
        d.regex = r.hasNonNull("regex") ? r.get("regex").asText() : null;
        d.path = r.hasNonNull("path") ? r.get("path").asText() : null;
        d.secretGroup = r.hasNonNull("secretGroup") ? r.get("secretGroup").asInt() : 0;
        d.entropy = r.hasNonNull("entropy") ? r.get("entropy").asDouble() : 0;
        r.path("keywords").forEach(k -> d.keywords.add(k.asText()));
        r.path("tags").forEach(k -> d.tags.add(k.asText()));
        if (r.has("allowlist") && r.has("allowlists")) {
            throw error(at(file, doc, r, "allowlists"), "rule " + id + " has both [rules.allowlist] and [[rules.allowlists]]",
                    "use [[rules.allowlists]] only");
        }
        if (r.has("allowlist")) {
            d.allowlists.add(allowlist(file, doc, "rule " + id, r.get("allowlist")));
        }
        r.path("allowlists").forEach(a -> d.allowlists.add(allowlist(file, doc, "rule " + id, a)));
        return d;
    }

    private Allowlist allowlist(String file, Toml.Document doc, String owner, JsonNode a) {
        String cond = a.path("condition").asText("OR").toUpperCase(java.util.Locale.ROOT);
        Allowlist.Condition condition = switch (cond) {
            case "", "OR" -> Allowlist.Condition.OR;
            case "AND", "&&" -> Allowlist.Condition.AND;
            default -> throw error(at(file, doc, a, "condition"), owner + ": allowlist condition must be OR or AND, not "
                    + cond, null);
        };
        String tgt = a.path("regexTarget").asText("secret");
        Allowlist.Target target = switch (tgt) {
            case "", "secret" -> Allowlist.Target.SECRET;
            case "match" -> Allowlist.Target.MATCH;
            case "line" -> Allowlist.Target.LINE;
            default -> throw error(at(file, doc, a, "regexTarget"), owner + ": unknown allowlist regexTarget " + tgt,
                    "regexTarget is secret, match or line");
        };
        Set<String> commits = new HashSet<>();
        a.path("commits").forEach(c -> commits.add(c.asText()));
        List<Regex> paths = new ArrayList<>();
        a.path("paths").forEach(p -> paths.add(compile(at(file, doc, a, "paths"), owner + " allowlist path", p.asText())));
        List<Regex> regexes = new ArrayList<>();
        a.path("regexes").forEach(p -> regexes.add(compile(at(file, doc, a, "regexes"), owner + " allowlist regex",
                p.asText())));
        List<String> stop = new ArrayList<>();
        a.path("stopwords").forEach(p -> stop.add(p.asText()));
        Set<String> targets = new HashSet<>();
        a.path("targetRules").forEach(p -> targets.add(p.asText()));
        Allowlist al = new Allowlist(a.path("description").asText(""), condition, commits, paths, target, regexes,
                stop, targets);
        if (al.isEmpty()) {
            throw error(at(file, doc, a, null), owner + ": an allowlist must set commits, paths, regexes or stopwords", null);
        }
        return al;
    }

    private Regex compile(SourceSpan file, String what, String regex) {
        gatehouse.core.regex.FoldHazard.Problem hazard = gatehouse.core.regex.FoldHazard.find(regex);
        if (hazard != null) {
            throw error(file, what + " cannot be used: " + hazard.described(), hazard.hint());
        }
        if (lazy) {
            return Regex.lazy(regex);
        }
        try {
            return Regex.eager(regex);
        } catch (PatternSyntaxException e) {
            throw error(file, what + " is not a valid RE2 regex: " + e.getDescription(),
                    "gitleaks regexes are RE2: no lookaround, no backreferences");
        }
    }

    private Path resolve(String p, Path dir) {
        Path given = Path.of(p);
        List<Path> candidates = new ArrayList<>();
        if (given.isAbsolute()) {
            candidates.add(given);
        } else {
            if (dir != null) {
                candidates.add(dir.resolve(p).normalize());
            }
            candidates.add(workDir.toAbsolutePath().resolve(p).normalize());
        }
        for (Path c : candidates) {
            if (Files.isRegularFile(c)) {
                return c;
            }
        }
        return null;
    }

    private static String read(Path file, String name) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw error(name, "no such config file", "check the --config path");
        } catch (java.nio.charset.MalformedInputException e) {
            throw error(name, "not a UTF-8 text file", "a gitleaks config is TOML text");
        } catch (IOException e) {
            throw error(name, "cannot read: " + e.getMessage(), null);
        }
    }

    static InputException error(String file, String message, String hint) {
        return error(SourceSpan.at(file, 1, 1), message, hint);
    }

    static InputException error(SourceSpan at, String message, String hint) {
        return new InputException(Diagnostic.of("secrets_config", at, message, hint));
    }

    /** Where a key (or, with key null or absent, the table) was written; the file's start when unknown. */
    private static SourceSpan at(String file, Toml.Document doc, JsonNode table, String key) {
        int[] lc = doc == null ? null : doc.where(table, key);
        return lc == null ? SourceSpan.at(file, 1, 1) : SourceSpan.at(file, lc[0], lc[1]);
    }

    /** A rule while configs are merged: unset fields are null / 0 so an extending rule overrides only what it sets. */
    private static final class RuleDraft {
        String id;
        String description;
        String regex;
        String path;
        int secretGroup;
        double entropy;
        List<String> keywords = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        List<Allowlist> allowlists = new ArrayList<>();
        SecretRule compiled;
        SourceSpan at;
        SourceSpan regexAt;
        SourceSpan pathAt;
        SourceSpan groupAt;

        static RuleDraft of(SecretRule r) {
            RuleDraft d = new RuleDraft();
            d.id = r.id();
            d.description = r.description();
            d.regex = r.regex() == null ? null : r.regex().source();
            d.path = r.path() == null ? null : r.path().source();
            d.secretGroup = r.secretGroup();
            d.entropy = r.entropy();
            d.keywords.addAll(r.keywords());
            d.tags.addAll(r.tags());
            d.allowlists.addAll(r.allowlists());
            d.compiled = r;
            return d;
        }

        /** gitleaks' extend: set scalars override, keywords, tags and allowlists are appended. */
        RuleDraft extendWith(RuleDraft o) {
            RuleDraft d = new RuleDraft();
            d.id = id;
            d.at = o.at;
            d.regexAt = o.regex != null ? o.regexAt : regexAt;
            d.pathAt = o.path != null ? o.pathAt : pathAt;
            d.groupAt = o.secretGroup != 0 ? o.groupAt : groupAt;
            d.description = o.description != null ? o.description : description;
            d.regex = o.regex != null ? o.regex : regex;
            d.path = o.path != null ? o.path : path;
            d.secretGroup = o.secretGroup != 0 ? o.secretGroup : secretGroup;
            d.entropy = o.entropy != 0 ? o.entropy : entropy;
            d.keywords.addAll(keywords);
            d.keywords.addAll(o.keywords);
            d.tags.addAll(tags);
            d.tags.addAll(o.tags);
            d.allowlists.addAll(allowlists);
            d.allowlists.addAll(o.allowlists);
            return d;
        }

        private static SourceSpan or(SourceSpan at, String file) {
            return at != null ? at : SourceSpan.at(file, 1, 1);
        }

        SecretRule build(String file, GitleaksConfig cfg) {
            if (compiled != null) {
                return compiled;
            }
            if (regex == null && path == null) {
                throw error(or(at, file), "rule " + id + " has neither regex nor path",
                        "set regex = '''...''' or path = '''...'''");
            }
            Regex re = regex == null ? null : cfg.compile(or(regexAt, file), "rule " + id + " regex", regex);
            Regex pa = path == null ? null : cfg.compile(or(pathAt, file), "rule " + id + " path", path);
            if (re != null && !cfg.lazy && secretGroup > re.get().groupCount()) {
                throw error(or(groupAt, file), "rule " + id + ": secretGroup " + secretGroup + " but the regex has only "
                        + re.get().groupCount() + " groups", null);
            }
            return new SecretRule(id, description == null ? "" : description, re, secretGroup, entropy, keywords, pa,
                    tags, allowlists);
        }
    }
}
