package gatehouse.pipeline.merge;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.iac.load.DocumentLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds fragments, assigns each to its owner, loads it with the CloudFormation loader (positions, anchors,
 * aliases, {@code <<} merge keys, short-form intrinsics) and checks its shape. Every problem in every fragment
 * is collected and reported together as one {@link InputException}.
 *
 * <p>Assignment: a fragment belongs to the owner whose glob matches its path. When owners of different ranks
 * match, the highest takes it (so a catch-all {@code dev=**} does not steal security's files); when two owners of
 * the same highest rank match, or none does, the fragment is an input error.
 */
public final class Fragments {
    /** The sections a fragment may hold, in the order the merged template lists them. */
    public static final List<String> SECTIONS = List.of("AWSTemplateFormatVersion", "Description", "Transform", "Metadata",
            "Parameters", "Mappings", "Conditions", "Rules", "Resources", "Outputs");
    static final Set<String> MAP_SECTIONS = Set.of("Metadata", "Parameters", "Mappings", "Conditions", "Rules", "Resources",
            "Outputs");
    private static final Set<String> EXTENSIONS = Set.of(".json", ".yaml", ".yml", ".template");

    private Fragments() {}

    /**
     * Loads the fragments named by {@code paths} (files, or directories walked for .yaml/.yml/.json/.template
     * files, where files matching no owner are skipped); the whole base directory when {@code paths} is empty.
     * Files in {@code exclude} (the merged output, its provenance map, the configuration) are never fragments.
     *
     * @return fragments in merge order ({@link Fragment#ORDER})
     * @throws InputException listing every unusable fragment
     */
    public static List<Fragment> load(MergeSpec spec, List<Path> paths, Set<Path> exclude) {
        Map<String, PathMatcher> globs = new LinkedHashMap<>();
        for (MergeSpec.Owner o : spec.owners()) {
            for (String g : o.paths()) {
                globs.computeIfAbsent(g, x -> FileSystems.getDefault().getPathMatcher("glob:" + x));
            }
        }
        Set<Path> excluded = new LinkedHashSet<>();
        exclude.forEach(p -> excluded.add(p.toAbsolutePath().normalize()));
        List<Diagnostic> problems = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        Set<Path> explicit = new LinkedHashSet<>();
        Set<Path> seen = new LinkedHashSet<>();
        for (Path p : paths.isEmpty() ? List.of(spec.baseDir()) : paths) {
            Path abs = p.toAbsolutePath().normalize();
            if (Files.isRegularFile(abs)) {
                if (seen.add(abs)) {
                    files.add(abs);
                    explicit.add(abs);
                }
            } else if (Files.isDirectory(abs)) {
                try (Stream<Path> walk = Files.walk(abs)) {
                    for (Path f : walk.filter(Files::isRegularFile).map(x -> x.toAbsolutePath().normalize()).sorted().toList()) {
                        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                        int dot = n.lastIndexOf('.');
                        if (dot >= 0 && EXTENSIONS.contains(n.substring(dot)) && !excluded.contains(f) && seen.add(f)) {
                            files.add(f);
                        }
                    }
                } catch (IOException e) {
                    problems.add(Diagnostic.of("input_io_error", SourceSpan.at(p.toString(), 1, 1),
                            "cannot read directory: " + e.getMessage(), null));
                }
            } else {
                problems.add(Diagnostic.of("input_io_error", SourceSpan.at(p.toString(), 1, 1), "no such file or directory",
                        "check the fragment path"));
            }
        }
        List<Fragment> out = new ArrayList<>();
        for (Path f : files) {
            String rel = relative(spec.baseDir(), f);
            List<MergeSpec.Owner> matching = new ArrayList<>();
            for (MergeSpec.Owner o : spec.owners()) {
                if (o.paths().stream().anyMatch(g -> globs.get(g).matches(Path.of(rel)))) {
                    matching.add(o);
                }
            }
            if (matching.isEmpty()) {
                if (explicit.contains(f)) {
                    problems.add(Diagnostic.of("merge_owner_error", SourceSpan.at(rel, 1, 1), "fragment matches no owner's paths",
                            "owners: " + describe(spec) + "; add a glob that matches " + rel));
                }
                continue;
            }
            int best = matching.stream().mapToInt(o -> spec.rank(o.name())).min().orElseThrow();
            List<MergeSpec.Owner> top = matching.stream().filter(o -> spec.rank(o.name()) == best).toList();
            if (top.size() > 1) {
                problems.add(Diagnostic.of("merge_owner_error", SourceSpan.at(rel, 1, 1), "fragment matches owners "
                        + String.join(" and ", top.stream().map(MergeSpec.Owner::name).toList()) + " of the same precedence",
                        "make the globs disjoint, or give the owners different ranks in the precedence"));
                continue;
            }
            try {
                String text = read(f, rel);
                Value v = DocumentLoader.defaults().load(rel, text);
                out.add(new Fragment(rel, top.get(0).name(), best, text, checkShape(rel, text, v)));
            } catch (InputException e) {
                problems.addAll(e.diagnostics());
            }
        }
        if (!problems.isEmpty()) {
            throw new InputException(problems, null);
        }
        if (out.isEmpty()) {
            throw new InputException(Diagnostic.of("merge_owner_error", null, "no fragments: no file "
                    + (paths.isEmpty() ? "under " + spec.baseDir() : "given") + " matches an owner's paths",
                    "owners: " + describe(spec)));
        }
        out.sort(Fragment.ORDER);
        return out;
    }

    private static String describe(MergeSpec spec) {
        List<String> s = new ArrayList<>();
        for (MergeSpec.Owner o : spec.owners()) {
            s.add(o.name() + " (" + String.join(", ", o.paths()) + ")");
        }
        return String.join(", ", s);
    }

    private static String read(Path f, String rel) {
        try {
            return new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InputException(Diagnostic.of("input_io_error", SourceSpan.at(rel, 1, 1), "cannot read: " + e.getMessage(), null));
        }
    }

    /** {@code p} relative to {@code base}, '/'-separated; the normalised absolute path when outside it. */
    static String relative(Path base, Path p) {
        Path b = base.toAbsolutePath().normalize();
        Path a = p.toAbsolutePath().normalize();
        return (a.startsWith(b) ? b.relativize(a) : a).toString().replace('\\', '/');
    }

    /** A fragment is a mapping of known sections, each of the right kind. */
    static MapValue checkShape(String file, String text, Value v) {
        if (!(v instanceof MapValue root)) {
            throw shapeError(file, text, v.position(), "a fragment must be a mapping of template sections, not a " + v.kindName(),
                    "e.g. Resources: {...}");
        }
        for (Map.Entry<String, Value> e : root.entries().entrySet()) {
            String k = e.getKey();
            Value s = e.getValue();
            if (!SECTIONS.contains(k)) {
                throw shapeError(file, text, root.keyPosition(k), "unknown template section " + k,
                        "sections: " + String.join(", ", SECTIONS));
            }
            boolean ok = switch (k) {
                case "AWSTemplateFormatVersion", "Description" -> s instanceof StringValue;
                case "Transform" -> s instanceof StringValue || s instanceof ListValue l
                        && l.elements().stream().allMatch(x -> x instanceof StringValue);
                default -> s instanceof MapValue;
            };
            if (!ok) {
                throw shapeError(file, text, s.position().line() > 0 ? s.position() : root.keyPosition(k),
                        k + " must be " + (MAP_SECTIONS.contains(k) ? "a mapping" : k.equals("Transform")
                                ? "a string or a list of strings" : "a string") + ", not a " + s.kindName(), null);
            }
            if (k.equals("Resources")) {
                MapValue res = (MapValue) s;
                for (Map.Entry<String, Value> r : res.entries().entrySet()) {
                    if (!(r.getValue() instanceof MapValue rm)) {
                        throw shapeError(file, text, res.keyPosition(r.getKey()), "resource " + r.getKey()
                                + " must be a mapping, not a " + r.getValue().kindName(), "e.g. " + r.getKey() + ": {Type: AWS::SQS::Queue}");
                    }
                    if (rm.get("Type") != null && !(rm.get("Type") instanceof StringValue)) {
                        throw shapeError(file, text, rm.get("Type").position(), "the Type of resource " + r.getKey()
                                + " must be a string, not a " + rm.get("Type").kindName(), "e.g. Type: AWS::SQS::Queue");
                    }
                }
            }
        }
        return root;
    }

    private static InputException shapeError(String file, String text, Position p, String message, String hint) {
        int line = Math.max(1, p.line());
        String[] lines = text.split("\n", -1);
        return new InputException(new Diagnostic("merge_fragment_error", SourceSpan.at(file, line, p.column() + 1), message, hint,
                line <= lines.length ? lines[line - 1] : null));
    }
}
