package gatehouse.guard.eval;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.guard.parse.Parser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Filters like {@code Resources.*[ Type == 'X' ]} are answered from a per-document index once a collection
 * has {@code FieldIndex.MIN_SIZE} members. The index must never change a verdict or a failure: each
 * property compares an indexable filter with a logically identical one the index does not serve
 * ({@code [ Type == 'X' or Type == 'X' ]}), on collections whose members have every shape a template
 * can give them (string, other scalar, list, missing key, key in another case, nested path).
 */
class IndexedFilterPropertiesTest {

    private static final List<String> TYPES = List.of("AWS::S3::Bucket", "AWS::IAM::Role", "AWS::EC2::VPC");

    @Property(tries = 300)
    void wildcardFilterSelectsWhatTheGeneralPathSelects(@ForAll("documents") Value doc, @ForAll("types") String type) {
        String fast = "let sel = Resources.*[ Type == '" + type + "' ]\nrule r { %sel.Marker == \"never\" }\n";
        String slow = "let sel = Resources.*[ Type == '" + type + "' or Type == '" + type + "' ]\n"
                + "rule r { %sel.Marker == \"never\" }\n";
        assertThat(outcome(fast, doc)).isEqualTo(outcome(slow, doc));
    }

    @Property(tries = 300)
    void variableAndNestedPathFiltersAgree(@ForAll("documents") Value doc, @ForAll("types") String type) {
        String fast = "let T = '" + type + "'\nlet sel = Resources.*[ Properties.Kind == %T ]\n"
                + "rule r { %sel.Marker == \"never\" }\n";
        String slow = "let T = '" + type + "'\nlet sel = Resources.*[ Properties.Kind == %T or Properties.Kind == %T ]\n"
                + "rule r { %sel.Marker == \"never\" }\n";
        assertThat(outcome(fast, doc)).isEqualTo(outcome(slow, doc));
    }

    @Property(tries = 300)
    void filterDirectlyOnAMapAgrees(@ForAll("documents") Value doc, @ForAll("types") String type) {
        String fast = "rule r { Resources[ Type == '" + type + "' ].Marker == \"never\" }\n";
        String slow = "rule r { Resources[ Type == '" + type + "' or Type == '" + type + "' ].Marker == \"never\" }\n";
        assertThat(outcome(fast, doc)).isEqualTo(outcome(slow, doc));
    }

    @Test
    void anIndexIsSharedAcrossFilesOfOnePreparedDocument() {
        Map<String, Value> resources = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            resources.put("R" + i, resource("/Resources/R" + i, new StringValue("/Resources/R" + i + "/Type",
                    Position.NONE, TYPES.get(i % 3)), i));
        }
        Value doc = MapValue.of("", Map.of("Resources", MapValue.of("/Resources", resources)));
        Evaluator ev = new Evaluator();
        PreparedDocument prepared = ev.prepare(doc);
        for (String type : TYPES) {
            FileEvaluation r = ev.evaluate(Parser.parse("t.guard",
                    "let sel = Resources.*[ Type == '" + type + "' ]\nrule r { %sel.Marker == \"never\" }\n"), prepared);
            assertThat(r.status()).isEqualTo(Status.FAIL);
            assertThat(r.rules().get(0).failures()).hasSizeBetween(6, 7)
                    .allSatisfy(f -> assertThat(f.actual().path()).startsWith("/Resources/R"));
        }
    }

    /** Status and, per failure, the offending value's path and the reason: everything a report shows. */
    private static List<String> outcome(String rules, Value doc) {
        FileEvaluation r = new Evaluator().evaluate(Parser.parse("p.guard", rules), doc);
        List<String> out = new ArrayList<>();
        out.add(r.status().name());
        for (RuleResult rr : r.rules()) {
            for (ClauseFailure f : rr.failures()) {
                Value at = f.actual() != null ? f.actual() : f.traversedTo();
                out.add(f.kind() + " " + (at == null ? "-" : at.path()) + " " + f.reason());
            }
        }
        return out;
    }

    @Provide
    Arbitrary<String> types() {
        return Arbitraries.of(TYPES);
    }

    @Provide
    Arbitrary<Value> documents() {
        Arbitrary<Integer> shapes = Arbitraries.integers().between(0, 9);
        return shapes.list().ofMinSize(0).ofMaxSize(24).map(IndexedFilterPropertiesTest::document);
    }

    private static Value document(List<Integer> shapes) {
        Map<String, Value> resources = new LinkedHashMap<>();
        for (int i = 0; i < shapes.size(); i++) {
            String path = "/Resources/R" + i;
            String type = TYPES.get(i % TYPES.size());
            Value member = switch (shapes.get(i)) {
                case 0, 1, 2, 3 -> resource(path, new StringValue(path + "/Type", Position.NONE, type), i);
                case 4 -> resource(path, new IntValue(path + "/Type", Position.NONE, 7), i);
                case 5 -> resource(path, null, i); // no Type at all
                case 6 -> MapValue.of(path, Map.of("type", new StringValue(path + "/type", Position.NONE, type),
                        "Marker", new StringValue(path + "/Marker", Position.NONE, "m")));
                case 7 -> new ListValue(path, Position.NONE, List.of(
                        resource(path + "/0", new StringValue(path + "/0/Type", Position.NONE, type), i),
                        resource(path + "/1", new StringValue(path + "/1/Type", Position.NONE, "Other"), i)));
                case 8 -> new StringValue(path, Position.NONE, type);
                default -> resource(path, new ListValue(path + "/Type", Position.NONE,
                        List.of(new StringValue(path + "/Type/0", Position.NONE, type))), i);
            };
            resources.put("R" + i, member);
        }
        return MapValue.of("", Map.of("Resources", MapValue.of("/Resources", resources)));
    }

    private static MapValue resource(String path, Value type, int i) {
        Map<String, Value> m = new LinkedHashMap<>();
        if (type != null) {
            m.put("Type", type);
        }
        m.put("Properties", MapValue.of(path + "/Properties", Map.of("Kind", type == null
                ? new IntValue(path + "/Properties/Kind", Position.NONE, i) : type)));
        m.put("Marker", new StringValue(path + "/Marker", Position.NONE, "m" + i));
        return MapValue.of(path, m);
    }
}
