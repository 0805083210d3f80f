package gatehouse.pipeline.merge;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a split-ownership merge needs to know: who owns which fragments (path globs), in which order owners
 * win, whose Guard rules check what, and where the merged template and its provenance map go. The pipeline
 * fills it from {@code gatehouse.yml}'s {@code merge:} section ({@link MergeConfig}); the CLI from flags.
 *
 * <p>Precedence is a list of ranks, highest first; a rank usually holds one owner, but may hold several of
 * equal standing (then neither overrides the other: a differing definition is a conflict). Owners missing from
 * an explicit precedence are an input error; without one, the default is {@link #DEFAULT_PRECEDENCE}
 * (security &gt; ops &gt; dev) for the owners present, then every other owner in declaration order.
 *
 * @param baseDir    directory fragment globs are matched against (fragment paths are relative to it) and
 *                   relative paths are taken from
 * @param owners     owners in declaration order; names unique
 * @param ranks      precedence, highest rank first; every owner in exactly one rank
 * @param output     where the merged template goes (YAML or JSON by extension), or null to only check
 * @param provenance where the provenance map (JSON) goes, or null
 */
public record MergeSpec(Path baseDir, List<Owner> owners, List<List<String>> ranks, Path output, Path provenance) {
    /** Security always wins. */
    public static final List<String> DEFAULT_PRECEDENCE = List.of("security", "ops", "dev");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    /**
     * One owner: a name, the globs of the fragments it owns (matched against '/'-separated paths relative to
     * the base directory, {@code **} crossing directories), and the Guard rule files or directories that check
     * its fragments (and, with every other owner's, the merged template).
     */
    public record Owner(String name, List<String> paths, List<Path> rules) {
        public Owner {
            Objects.requireNonNull(name, "name");
            paths = List.copyOf(paths);
            rules = List.copyOf(rules);
        }
    }

    public MergeSpec {
        Objects.requireNonNull(baseDir, "baseDir");
        owners = List.copyOf(owners);
        ranks = ranks.stream().map(List::copyOf).toList();
    }

    /** The rank of an owner: 0 is the highest. */
    public int rank(String owner) {
        for (int i = 0; i < ranks.size(); i++) {
            if (ranks.get(i).contains(owner)) {
                return i;
            }
        }
        throw new IllegalArgumentException("owner without rank: " + owner);
    }

    public Owner owner(String name) {
        return owners.stream().filter(o -> o.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no owner " + name));
    }

    /**
     * Builds a spec and checks it: at least one owner, names well formed and unique, each with a path glob,
     * precedence naming each owner exactly once.
     *
     * @param precedence ranks highest first, each rank one or more owner names; empty for the default
     * @param where      the place errors point at (a config file position, or {@code --owner} for flags)
     * @throws InputException when the owners or the precedence are unusable
     */
    public static MergeSpec of(Path baseDir, List<Owner> owners, List<List<String>> precedence, Path output,
                               Path provenance, SourceSpan where) {
        if (owners.isEmpty()) {
            throw error(where, "no owners declared", "declare each owner with the globs of the fragments it owns, "
                    + "e.g. --owner security=sec/**.yaml");
        }
        Map<String, Owner> byName = new LinkedHashMap<>();
        for (Owner o : owners) {
            if (!NAME.matcher(o.name()).matches()) {
                throw error(where, "owner name \"" + o.name() + "\" is not a plain name",
                        "use letters, digits, '-' and '_' (e.g. security, ops, dev)");
            }
            if (byName.put(o.name(), o) != null) {
                throw error(where, "owner " + o.name() + " declared twice", "declare each owner once, with all its globs");
            }
            if (o.paths().isEmpty()) {
                throw error(where, "owner " + o.name() + " owns no paths", "give it at least one glob, e.g. sec/**.yaml");
            }
        }
        List<List<String>> ranks = new ArrayList<>();
        if (precedence.isEmpty()) {
            for (String d : DEFAULT_PRECEDENCE) {
                if (byName.containsKey(d)) {
                    ranks.add(List.of(d));
                }
            }
            for (String n : byName.keySet()) {
                if (!DEFAULT_PRECEDENCE.contains(n)) {
                    ranks.add(List.of(n));
                }
            }
        } else {
            Set<String> seen = new LinkedHashSet<>();
            for (List<String> rank : precedence) {
                if (rank.isEmpty()) {
                    throw error(where, "empty rank in the precedence", "list owners highest first: security,ops,dev");
                }
                for (String n : rank) {
                    if (!byName.containsKey(n)) {
                        throw error(where, "precedence names " + n + ", which is not a declared owner",
                                "declared owners: " + String.join(", ", byName.keySet()));
                    }
                    if (!seen.add(n)) {
                        throw error(where, "precedence names " + n + " twice", "name each owner once");
                    }
                }
                ranks.add(rank);
            }
            for (String n : byName.keySet()) {
                if (!seen.contains(n)) {
                    throw error(where, "owner " + n + " has no place in the precedence",
                            "add it to the precedence list, highest first (e.g. security,ops,dev)");
                }
            }
        }
        return new MergeSpec(baseDir, owners, ranks, output, provenance);
    }

    /**
     * Parses a precedence written as {@code security,ops+qa,dev}: ranks separated by commas, highest first;
     * owners of equal rank joined by {@code +}.
     */
    public static List<List<String>> parsePrecedence(List<String> items) {
        List<List<String>> out = new ArrayList<>();
        for (String item : items) {
            for (String rank : item.split(",")) {
                List<String> names = new ArrayList<>();
                for (String n : rank.split("\\+")) {
                    if (!n.isBlank()) {
                        names.add(n.strip());
                    }
                }
                out.add(names);
            }
        }
        return out;
    }

    private static InputException error(SourceSpan where, String message, String hint) {
        return new InputException(Diagnostic.of("merge_config_error", where, message, hint));
    }
}
