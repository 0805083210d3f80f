package gatehouse.monitor.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Named event patterns matched together against one event, returning the names of the rules that match, in the
 * order the rules were added. Adding several patterns under one name makes them alternatives of that rule (as
 * EventBridge's matcher does); the name is reported once.
 *
 * <p>Most real rules pin {@code source} or {@code detail-type} to a few exact strings. The set indexes each pattern by
 * one such top-level field, so an event is only checked against the patterns whose indexed value it carries, plus
 * the patterns that have no such field; the cost per event grows with the number of candidate rules, not with the
 * number of rules. Build with {@link #builder()}; the built set is immutable and thread-safe.
 */
public final class RuleSet {
    private static final List<String> PREFERRED_INDEX = List.of("source", "detail-type");

    private final String[] names;         // per pattern
    private final EventPattern[] patterns;
    private final int[] nameIndex;        // per pattern: position of its name in distinctNames
    private final List<String> distinctNames;
    private final Map<String, Map<String, int[]>> index; // field -> exact value -> pattern ids
    private final int[] unindexed;

    private RuleSet(List<String> names, List<EventPattern> patterns) {
        this.names = names.toArray(String[]::new);
        this.patterns = patterns.toArray(EventPattern[]::new);
        Map<String, Integer> distinct = new LinkedHashMap<>();
        nameIndex = new int[this.names.length];
        for (int i = 0; i < this.names.length; i++) {
            nameIndex[i] = distinct.computeIfAbsent(this.names[i], k -> distinct.size());
        }
        distinctNames = List.copyOf(distinct.keySet());
        Map<String, Map<String, List<Integer>>> idx = new HashMap<>();
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < this.patterns.length; i++) {
            ObjectMatcher.Leaf key = indexKey(this.patterns[i].root());
            if (key == null) {
                rest.add(i);
                continue;
            }
            Map<String, List<Integer>> byValue = idx.computeIfAbsent(key.name(), k -> new HashMap<>());
            for (String v : key.strings()) {
                byValue.computeIfAbsent(v, k -> new ArrayList<>()).add(i);
            }
        }
        Map<String, Map<String, int[]>> frozen = new HashMap<>();
        idx.forEach((field, m) -> {
            Map<String, int[]> f = new HashMap<>();
            m.forEach((v, ids) -> f.put(v, ids.stream().mapToInt(Integer::intValue).toArray()));
            frozen.put(field, f);
        });
        index = frozen;
        unindexed = rest.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A top-level field whose only alternatives are exact strings: an event must carry one of them to match. */
    private static ObjectMatcher.Leaf indexKey(ObjectMatcher root) {
        ObjectMatcher.Leaf best = null;
        for (ObjectMatcher.Field f : root.fields) {
            if (f instanceof ObjectMatcher.Leaf leaf && leaf.others().isEmpty() && !leaf.existsTrue()
                    && !leaf.existsFalse() && !leaf.strings().isEmpty()) {
                if (best == null || rank(leaf.name()) < rank(best.name())) {
                    best = leaf;
                }
            }
        }
        return best;
    }

    private static int rank(String field) {
        int i = PREFERRED_INDEX.indexOf(field);
        return i < 0 ? PREFERRED_INDEX.size() : i;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Number of patterns (not distinct names). */
    public int size() {
        return patterns.length;
    }

    /** The distinct rule names, in the order they were first added. */
    public List<String> names() {
        return distinctNames;
    }

    /** Names of the rules that match {@code event}, in the order the rules were added, each once. */
    public List<String> matches(JsonNode event) {
        if (event == null || !event.isObject()) {
            return List.of();
        }
        BitSet candidates = new BitSet(patterns.length);
        for (Map.Entry<String, Map<String, int[]>> e : index.entrySet()) {
            JsonNode v = event.get(e.getKey());
            if (v != null) {
                addCandidates(v, e.getValue(), candidates);
            }
        }
        for (int i : unindexed) {
            candidates.set(i);
        }
        BitSet matchedNames = new BitSet(distinctNames.size());
        for (int i = candidates.nextSetBit(0); i >= 0; i = candidates.nextSetBit(i + 1)) {
            if (!matchedNames.get(nameIndex[i]) && patterns[i].matches(event)) {
                matchedNames.set(nameIndex[i]);
            }
        }
        List<String> out = new ArrayList<>(matchedNames.cardinality());
        for (int n = matchedNames.nextSetBit(0); n >= 0; n = matchedNames.nextSetBit(n + 1)) {
            out.add(distinctNames.get(n));
        }
        return out;
    }

    private static void addCandidates(JsonNode v, Map<String, int[]> byValue, BitSet candidates) {
        if (v.isTextual()) {
            int[] ids = byValue.get(v.textValue());
            if (ids != null) {
                for (int id : ids) {
                    candidates.set(id);
                }
            }
        } else if (v.isArray()) {
            for (JsonNode e : v) {
                addCandidates(e, byValue, candidates);
            }
        }
    }

    /** Collects named patterns; not thread-safe. */
    public static final class Builder {
        private final List<String> names = new ArrayList<>();
        private final List<EventPattern> patterns = new ArrayList<>();

        private Builder() {}

        /** Adds {@code pattern} under {@code name}; a name added twice matches when either pattern does. */
        public Builder add(String name, EventPattern pattern) {
            names.add(Objects.requireNonNull(name, "name"));
            patterns.add(Objects.requireNonNull(pattern, "pattern"));
            return this;
        }

        public RuleSet build() {
            return new RuleSet(names, patterns);
        }
    }
}
