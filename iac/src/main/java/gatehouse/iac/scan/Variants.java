package gatehouse.iac.scan;

import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.Value;
import gatehouse.iac.resolve.IntrinsicResolver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The documents policy sees for one template in scan mode: each statically resolved variant, plus the
 * {@code Gatehouse} key holding the configuration parameters and the unresolved original (docs/rule-pack.md).
 */
public final class Variants {
    /** One document to evaluate, with how its values were resolved. */
    public record Variant(Value document, Map<String, String> provenance, String label) {}

    private Variants() {}

    public static List<Variant> of(Value template, IntrinsicResolver resolver, Map<String, Value> parameters) {
        List<Variant> out = new ArrayList<>();
        for (IntrinsicResolver.Resolution r : resolver.resolve(template)) {
            out.add(new Variant(withGatehouse(r.root(), template, parameters), r.provenance(), r.variant()));
        }
        return out;
    }

    private static Value withGatehouse(Value resolved, Value original, Map<String, Value> parameters) {
        if (!(resolved instanceof MapValue root)) {
            return resolved;
        }
        Map<String, Value> gh = new LinkedHashMap<>(parameters);
        if (root.get("Gatehouse") instanceof MapValue given) {
            gh.putAll(given.entries()); // a document's own settings (fixtures) win over configuration
        }
        gh.put("original", original);
        Map<String, Value> entries = new LinkedHashMap<>(root.entries());
        Map<String, Position> keys = new LinkedHashMap<>();
        root.entries().keySet().forEach(k -> keys.put(k, root.keyPosition(k)));
        entries.put("Gatehouse", MapValue.of("/Gatehouse", gh));
        return new MapValue(root.path(), root.position(), entries, keys);
    }
}
