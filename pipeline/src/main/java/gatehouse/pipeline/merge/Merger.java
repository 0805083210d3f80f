package gatehouse.pipeline.merge;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.core.finding.Finding;
import gatehouse.core.finding.Location;
import gatehouse.core.finding.Rule;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges fragments section by section, "security always wins": for each key of each section, the definition
 * of the highest-precedence owner (first by path among equals) stands; an identical definition elsewhere is
 * merged into it (both origins kept); a differing one is never applied and is a blocking finding. Then the merged
 * template is checked for alterations that do not redefine a key: attachments to a higher owner's resource
 * (GH-MERGE-003), a higher owner's element depending on a lower owner's declaration (GH-MERGE-004), a lower
 * owner's Transform (GH-MERGE-005). The precise rules are in docs/merge.md.
 *
 * @throws gatehouse.core.InputException (from {@link #merge}) when a resource's standing definition has no Type
 *
 * <p>The result depends only on the set of fragments, not on the order they are given in. Pure and thread-safe.
 */
public final class Merger {
    /** Where a definition came from; {@code column} is 1-based. */
    public record Origin(String owner, String file, int line, int column) {
        String display() {
            return file + ":" + line + ":" + column;
        }
    }

    /**
     * One merged element: a section entry ({@code /Resources/WebSG}), a scalar section ({@code /Description}) or a
     * Transform entry ({@code /Transform/0}), with the fragment whose definition stands and where identical copies were.
     */
    public record Element(String pointer, String section, String key, Fragment fragment, Position keyPosition, Value value,
                          List<Origin> duplicates) {
        public Element {
            duplicates = List.copyOf(duplicates);
        }

        public Origin origin() {
            return new Origin(fragment.owner(), fragment.path(), Math.max(1, keyPosition.line()), keyPosition.column() + 1);
        }

        String owner() {
            return fragment.owner();
        }
    }

    /** The merged template, its elements in template order, and the merge's own findings. */
    public record Result(MapValue template, List<Element> elements, List<Finding> findings) {
        public Result {
            elements = List.copyOf(elements);
            findings = List.copyOf(findings);
        }
    }

    private static final String SAM = "AWS::Serverless-2016-10-31";

    private record Definition(Fragment fragment, Value value, Position keyPosition) {
        String at() {
            return fragment.at(keyPosition);
        }
    }

    private Merger() {}

    public static Result merge(List<Fragment> given) {
        List<Fragment> fragments = new ArrayList<>(given);
        fragments.sort(Fragment.ORDER);
        Map<String, Map<String, List<Definition>>> defs = new LinkedHashMap<>();
        Fragments.SECTIONS.forEach(s -> defs.put(s, new LinkedHashMap<>()));
        for (Fragment f : fragments) {
            for (Map.Entry<String, Value> e : f.root().entries().entrySet()) {
                String section = e.getKey();
                Value v = e.getValue();
                Map<String, List<Definition>> byKey = defs.get(section);
                if (Fragments.MAP_SECTIONS.contains(section)) {
                    MapValue m = (MapValue) v;
                    m.entries().forEach((k, kv) -> byKey.computeIfAbsent(k, x -> new ArrayList<>())
                            .add(new Definition(f, kv, m.keyPosition(k))));
                } else if (section.equals("Transform")) {
                    List<Value> names = v instanceof ListValue l ? l.elements() : List.of(v);
                    for (Value n : names) {
                        byKey.computeIfAbsent(((StringValue) n).value(), x -> new ArrayList<>())
                                .add(new Definition(f, n, n.position().line() > 0 ? n.position() : f.root().keyPosition(section)));
                    }
                } else {
                    byKey.computeIfAbsent("", x -> new ArrayList<>()).add(new Definition(f, v, f.root().keyPosition(section)));
                }
            }
        }

        List<Finding> findings = new ArrayList<>();
        List<Element> elements = new ArrayList<>();
        Map<String, Value> sections = new LinkedHashMap<>();
        Map<String, Position> sectionKeys = new LinkedHashMap<>();
        Map<String, Map<String, Element>> bySection = new LinkedHashMap<>();
        for (String section : Fragments.SECTIONS) {
            Map<String, List<Definition>> byKey = defs.get(section);
            if (byKey.isEmpty()) {
                continue;
            }
            Map<String, Element> merged = new LinkedHashMap<>();
            int index = 0;
            for (Map.Entry<String, List<Definition>> e : byKey.entrySet()) {
                String key = e.getKey();
                String pointer = section.equals("Transform") ? "/Transform/" + index++
                        : key.isEmpty() ? "/" + section : Value.childPath("/" + section, key);
                Definition winner = e.getValue().get(0);
                if (section.equals("Resources") && !(((MapValue) winner.value()).get("Type") instanceof StringValue)) {
                    // a partial resource is only meaningful as an alteration of a full one defined above it
                    String[] lines = winner.fragment().text().split("\n", -1);
                    int line = Math.max(1, winner.keyPosition().line());
                    throw new InputException(new Diagnostic("merge_fragment_error", SourceSpan.at(winner.fragment().path(), line,
                            winner.keyPosition().column() + 1), "resource " + key + " has no Type, and no fragment of equal or "
                            + "higher precedence defines it", "a resource needs a Type; a fragment cannot alter a resource "
                            + "without defining it whole", line <= lines.length ? lines[line - 1] : null));
                }
                List<Origin> duplicates = new ArrayList<>();
                for (Definition d : e.getValue().subList(1, e.getValue().size())) {
                    if (d.value().equals(winner.value())) {
                        duplicates.add(new Origin(d.fragment().owner(), d.fragment().path(), Math.max(1, d.keyPosition().line()),
                                d.keyPosition().column() + 1));
                    } else if (section.equals("Description")) {
                        findings.add(finding(MergeRules.UNUSED_DESCRIPTION, d.fragment(), d.keyPosition(), "", pointer,
                                d.fragment().owner() + " fragment " + d.at() + " has its own Description; the merged template keeps "
                                        + winner.fragment().owner() + "'s (" + winner.at() + ")", props(d.fragment(), winner)));
                    } else {
                        findings.add(redefinition(section, key, pointer, winner, d));
                    }
                }
                Element el = new Element(pointer, section, key, winner.fragment(), winner.keyPosition(), winner.value(), duplicates);
                merged.put(key, el);
                elements.add(el);
            }
            bySection.put(section, merged);
            Definition first = byKey.values().iterator().next().get(0);
            sectionKeys.put(section, first.fragment().root().keyPosition(section));
            if (Fragments.MAP_SECTIONS.contains(section)) {
                Map<String, Value> entries = new LinkedHashMap<>();
                Map<String, Position> keys = new LinkedHashMap<>();
                merged.forEach((k, el) -> {
                    entries.put(k, el.value());
                    keys.put(k, el.keyPosition());
                });
                sections.put(section, new MapValue("/" + section, Position.NONE, entries, keys));
            } else if (section.equals("Transform")) {
                List<Value> names = merged.values().stream().map(Element::value).toList();
                sections.put(section, names.size() == 1 ? names.get(0) : new ListValue("/Transform", Position.NONE, names));
            } else {
                sections.put(section, merged.get("").value());
            }
        }
        findings.addAll(attachments(bySection));
        findings.addAll(lowerDependencies(bySection));
        findings.addAll(lowerTransforms(bySection, fragments));
        findings.sort(FINDING_ORDER);
        return new Result(new MapValue("", Position.NONE, sections, sectionKeys), elements, findings);
    }

    static final Comparator<Finding> FINDING_ORDER = Comparator.comparing((Finding f) -> f.location().file())
            .thenComparingInt(f -> f.location().line()).thenComparingInt(f -> f.location().column())
            .thenComparing(f -> f.rule().id()).thenComparing(f -> f.location().path()).thenComparing(Finding::message);

    private static Finding redefinition(String section, String key, String pointer, Definition winner, Definition d) {
        String noun = noun(section) + (key.isEmpty() ? "" : " " + key);
        List<String> diffs = new ArrayList<>();
        // a partial resource (no Type) overlays what it names; what it leaves out is not dropped
        boolean partial = section.equals("Resources") && ((MapValue) d.value()).get("Type") == null;
        boolean onlyAdds = diff(partial ? overlay((MapValue) winner.value(), (MapValue) d.value()) : winner.value(), d.value(),
                "", diffs);
        String detail = diffs.isEmpty() ? "" : ": " + String.join(", ", diffs.subList(0, Math.min(5, diffs.size())))
                + (diffs.size() > 5 ? " and " + (diffs.size() - 5) + " more" : "");
        String resource = section.equals("Resources") ? key : "";
        Fragment lower = d.fragment();
        Fragment higher = winner.fragment();
        if (lower.rank() > higher.rank()) {
            return finding(MergeRules.REDEFINED, lower, d.keyPosition(), resource, pointer, lower.owner() + " fragment " + d.at()
                    + (onlyAdds || partial ? " alters " : " redefines ") + noun + " owned by " + higher.owner() + " (" + winner.at()
                    + ")" + (partial ? " with a partial definition" : "")
                    + detail, props(lower, winner));
        }
        String why = lower.owner().equals(higher.owner()) ? "" : " (" + higher.owner() + " and " + lower.owner()
                + " have equal precedence)";
        return finding(MergeRules.CONFLICT, lower, d.keyPosition(), resource, pointer, lower.owner() + " fragment " + d.at()
                + " defines " + noun + " differently from " + higher.owner() + "'s " + winner.at() + why + detail,
                props(lower, winner));
    }

    private static Map<String, String> props(Fragment lower, Definition winner) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("owner", lower.owner());
        p.put("kept", winner.fragment().owner() + " " + winner.at());
        return p;
    }

    private static String noun(String section) {
        return switch (section) {
            case "Resources" -> "resource";
            case "Parameters" -> "parameter";
            case "Mappings" -> "mapping";
            case "Conditions" -> "condition";
            case "Rules" -> "rule";
            case "Outputs" -> "output";
            case "Metadata" -> "metadata key";
            default -> section;
        };
    }

    /** The part of {@code kept} a partial definition speaks about: the keys {@code partial} names. */
    private static MapValue overlay(MapValue kept, MapValue partial) {
        Map<String, Value> entries = new LinkedHashMap<>();
        kept.entries().forEach((k, v) -> {
            if (partial.get(k) != null) {
                entries.put(k, v);
            }
        });
        return new MapValue(kept.path(), kept.position(), entries, Map.of());
    }

    /**
     * Lists how {@code lower} differs from {@code kept} (paths relative to the element) and returns whether it only
     * adds to it (every part of {@code kept} is there unchanged).
     */
    static boolean diff(Value kept, Value lower, String at, List<String> out) {
        if (kept instanceof MapValue km && lower instanceof MapValue lm) {
            boolean onlyAdds = true;
            for (Map.Entry<String, Value> e : km.entries().entrySet()) {
                String p = Value.childPath(at, e.getKey());
                Value lv = lm.get(e.getKey());
                if (lv == null) {
                    out.add("drops " + p);
                    onlyAdds = false;
                } else if (!lv.equals(e.getValue())) {
                    onlyAdds &= diff(e.getValue(), lv, p, out);
                }
            }
            for (String k : lm.entries().keySet()) {
                if (km.get(k) == null) {
                    out.add("adds " + Value.childPath(at, k));
                }
            }
            return onlyAdds;
        }
        if (kept instanceof ListValue kl && lower instanceof ListValue ll) {
            boolean onlyAdds = true;
            int common = Math.min(kl.size(), ll.size());
            for (int i = 0; i < common; i++) {
                if (!kl.get(i).equals(ll.get(i))) {
                    onlyAdds &= diff(kl.get(i), ll.get(i), Value.childPath(at, i), out);
                }
            }
            for (int i = common; i < ll.size(); i++) {
                out.add("adds " + Value.childPath(at, i));
            }
            for (int i = common; i < kl.size(); i++) {
                out.add("drops " + Value.childPath(at, i));
                onlyAdds = false;
            }
            return onlyAdds;
        }
        out.add("changes " + (at.isEmpty() ? "the value" : at));
        return false;
    }

    // ------------------------------------------------------------------ alterations without a redefinition

    private static List<Finding> attachments(Map<String, Map<String, Element>> bySection) {
        Map<String, Element> resources = bySection.getOrDefault("Resources", Map.of());
        List<Finding> out = new ArrayList<>();
        for (Element el : resources.values()) {
            MapValue r = (MapValue) el.value();
            String type = ((StringValue) r.get("Type")).value();
            List<String> targets = Attachments.TARGETS.get(type);
            if (targets == null || !(r.get("Properties") instanceof MapValue props)) {
                continue;
            }
            for (String prop : targets) {
                Value pv = props.get(prop);
                if (pv == null) {
                    continue;
                }
                Set<String> reported = new LinkedHashSet<>();
                for (References.Reference ref : References.in(pv)) {
                    Element target = ref.kind() == References.Kind.NAME || ref.kind() == References.Kind.RESOURCE
                            ? resources.get(ref.name()) : null;
                    if (target == null || target.fragment().rank() >= el.fragment().rank() || !reported.add(ref.name())) {
                        continue;
                    }
                    Position at = ref.at().position().line() > 0 ? ref.at().position() : el.keyPosition();
                    out.add(finding(MergeRules.ATTACHED, el.fragment(), at, el.key(), el.pointer() + "/Properties/" + prop,
                            el.owner() + " resource " + el.key() + " (" + el.fragment().at(el.keyPosition()) + ") attaches "
                                    + type + " to " + ref.name() + " owned by " + target.owner() + " ("
                                    + target.origin().display() + ") through " + prop, ownerProps(el, target)));
                }
            }
        }
        return out;
    }

    private static List<Finding> lowerDependencies(Map<String, Map<String, Element>> bySection) {
        Map<References.Kind, Map<String, Element>> declarations = Map.of(
                References.Kind.NAME, bySection.getOrDefault("Parameters", Map.of()),
                References.Kind.MAPPING, bySection.getOrDefault("Mappings", Map.of()),
                References.Kind.CONDITION, bySection.getOrDefault("Conditions", Map.of()));
        Map<References.Kind, String> nouns = Map.of(References.Kind.NAME, "parameter", References.Kind.MAPPING, "mapping",
                References.Kind.CONDITION, "condition");
        List<Finding> out = new ArrayList<>();
        for (String section : List.of("Conditions", "Rules", "Resources", "Outputs")) {
            for (Element el : bySection.getOrDefault(section, Map.of()).values()) {
                Set<String> reported = new LinkedHashSet<>();
                for (References.Reference ref : References.of(section, el.value())) {
                    Map<String, Element> decl = declarations.get(ref.kind());
                    Element target = decl == null ? null : decl.get(ref.name());
                    if (target == null || target.fragment().rank() <= el.fragment().rank()
                            || !reported.add(ref.kind() + "\0" + ref.name())) {
                        continue;
                    }
                    Position at = ref.at().position().line() > 0 ? ref.at().position() : el.keyPosition();
                    out.add(finding(MergeRules.LOWER_DEPENDENCY, el.fragment(), at, section.equals("Resources") ? el.key() : "",
                            ref.at().path().isEmpty() ? el.pointer() : ref.at().path(),
                            el.owner() + " " + noun(section) + " " + el.key() + " (" + el.fragment().at(el.keyPosition())
                                    + ") takes " + nouns.get(ref.kind()) + " " + ref.name() + ", which only lower-precedence "
                                    + target.owner() + " declares (" + target.origin().display() + ")", ownerProps(el, target)));
                }
            }
        }
        return out;
    }

    private static List<Finding> lowerTransforms(Map<String, Map<String, Element>> bySection, List<Fragment> fragments) {
        List<Finding> out = new ArrayList<>();
        int highest = fragments.stream().mapToInt(Fragment::rank).min().orElse(0);
        for (Element el : bySection.getOrDefault("Transform", Map.of()).values()) {
            if (el.key().equals(SAM) || el.fragment().rank() == highest) {
                continue;
            }
            String above = fragments.stream().filter(f -> f.rank() < el.fragment().rank()).map(Fragment::owner).distinct()
                    .reduce((a, b) -> a + " and " + b).orElse("");
            out.add(finding(MergeRules.LOWER_TRANSFORM, el.fragment(), el.keyPosition(), "", el.pointer(),
                    el.owner() + " fragment " + el.fragment().at(el.keyPosition()) + " adds Transform " + el.key()
                            + ", which would rewrite the whole template, including the elements of " + above,
                    Map.of("owner", el.owner())));
        }
        return out;
    }

    private static Map<String, String> ownerProps(Element el, Element target) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("owner", el.owner());
        p.put("target", target.owner() + " " + target.origin().display());
        return p;
    }

    // ------------------------------------------------------------------ findings

    static Finding finding(Rule rule, Fragment f, Position p, String resource, String path, String message,
                           Map<String, String> properties) {
        int line = Math.max(1, p.line());
        String[] lines = f.text().split("\n", -1);
        String snippet = line <= lines.length ? lines[line - 1].stripTrailing() : "";
        return new Finding(rule, message, new Location(f.path(), line, p.column() + 1, resource, path), snippet, "",
                fingerprint(rule.id(), f.path(), resource, path), null, new java.util.LinkedHashMap<>(properties));
    }

    /** Stable across line moves: rule, file, resource and path. */
    static String fingerprint(String rule, String file, String resource, String path) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((rule + "\0" + file + "\0" + resource + "\0" + path).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
