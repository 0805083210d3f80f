package gatehouse.pipeline.merge;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.NullValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.iac.load.DocumentLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads the {@code merge:} section of {@code gatehouse.yml} into a {@link MergeSpec} (shape in docs/merge.md).
 * The rest of the file belongs to the pipeline and is not looked at here. Paths and globs are relative to the
 * file's directory. Every mistake is an input error at the offending key or value.
 */
public final class MergeConfig {
    static final Set<String> KEYS = Set.of("owners", "precedence", "output", "provenance");
    static final Set<String> OWNER_KEYS = Set.of("name", "paths", "rules");

    private MergeConfig() {}

    /**
     * @throws InputException when the file is missing or malformed, has no {@code merge:} section, or the
     *                        section is invalid
     */
    public static MergeSpec load(Path file) {
        Value root = DocumentLoader.defaults().load(file);
        String name = file.toString();
        Path base = file.toAbsolutePath().normalize().getParent();
        if (!(root instanceof MapValue top) || !(top.get("merge") instanceof MapValue)) {
            Value at = root instanceof MapValue top2 && top2.get("merge") != null ? top2.get("merge") : root;
            throw error(name, at, root instanceof MapValue m && m.get("merge") != null ? "merge must be a mapping"
                    : "no merge: section", "see docs/merge.md for the shape: merge: {owners: [{name, paths, rules}], output}");
        }
        return fromSection(name, base, (MapValue) top.get("merge"));
    }

    /** The spec from an already loaded {@code merge:} mapping (the pipeline's reader hands it over). */
    public static MergeSpec fromSection(String file, Path base, MapValue merge) {
        keys(file, merge, KEYS);
        if (!(merge.get("owners") instanceof ListValue ol) || ol.elements().isEmpty()) {
            throw error(file, merge.get("owners") == null ? merge : merge.get("owners"),
                    "merge.owners must be a non-empty list", "- name: security\n      paths: [sec/**.yaml]\n      rules: [policies/security]");
        }
        List<MergeSpec.Owner> owners = new ArrayList<>();
        for (Value ov : ol.elements()) {
            if (!(ov instanceof MapValue o)) {
                throw error(file, ov, "an owner must be a mapping with name, paths and rules", null);
            }
            keys(file, o, OWNER_KEYS);
            if (o.get("name") == null) {
                throw error(file, o, "an owner needs a name", "e.g. name: security");
            }
            String ownerName = string(file, o.get("name"), "name");
            if (o.get("paths") == null) {
                throw error(file, o, "owner " + ownerName + " needs paths (globs of the fragments it owns)", "e.g. paths: [sec/**.yaml]");
            }
            List<String> globs = strings(file, o.get("paths"), "paths");
            List<Path> rules = new ArrayList<>();
            if (o.get("rules") != null) {
                for (String r : strings(file, o.get("rules"), "rules")) {
                    rules.add(base.resolve(r).normalize());
                }
            }
            owners.add(new MergeSpec.Owner(ownerName, globs, rules));
        }
        List<List<String>> precedence = merge.get("precedence") == null ? List.of()
                : MergeSpec.parsePrecedence(strings(file, merge.get("precedence"), "precedence"));
        Path output = merge.get("output") == null ? null : base.resolve(string(file, merge.get("output"), "output")).normalize();
        Path provenance = merge.get("provenance") == null ? null
                : base.resolve(string(file, merge.get("provenance"), "provenance")).normalize();
        Position p = merge.position();
        return MergeSpec.of(base, owners, precedence, output, provenance, SourceSpan.at(file, Math.max(1, p.line()), p.column() + 1));
    }

    private static void keys(String file, MapValue m, Set<String> allowed) {
        for (String k : m.entries().keySet()) {
            if (!allowed.contains(k)) {
                Position p = m.keyPosition(k);
                throw new InputException(Diagnostic.of("merge_config_error", SourceSpan.at(file, Math.max(1, p.line()),
                        p.column() + 1), "unknown key " + k, "known here: " + String.join(", ", new java.util.TreeSet<>(allowed))));
            }
        }
    }

    private static String string(String file, Value v, String what) {
        if (v instanceof StringValue s && !s.value().isBlank()) {
            return s.value();
        }
        throw error(file, v, what + " must be a non-empty string, not " + (v instanceof NullValue ? "empty" : "a " + v.kindName()), null);
    }

    private static List<String> strings(String file, Value v, String what) {
        if (v instanceof ListValue l) {
            List<String> out = new ArrayList<>();
            for (Value e : l.elements()) {
                out.add(string(file, e, what));
            }
            return out;
        }
        return List.of(string(file, v, what));
    }

    private static InputException error(String file, Value at, String message, String hint) {
        Position p = at.position();
        return new InputException(Diagnostic.of("merge_config_error", SourceSpan.at(file, Math.max(1, p.line()), p.column() + 1),
                message, hint));
    }
}
