package gatehouse.pipeline.merge;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Value;
import gatehouse.core.finding.Finding;
import gatehouse.core.finding.Severity;
import gatehouse.iac.load.DocumentLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the merge over generated fragment sets, loaded by the real CloudFormation loader. */
class MergePropertiesTest {
    static final List<String> OWNERS = List.of("security", "ops", "dev");

    /** A generated resource: logical id, type, one numeric property, an optional extra property. */
    record Res(String id, String type, int value, boolean extra) {
        String yaml() {
            return "  " + id + ":\n    Type: " + type + "\n    Properties:\n      VisibilityTimeout: " + value + "\n"
                    + (extra ? "      DelaySeconds: 5\n" : "");
        }
    }

    /** A generated fragment: owner index (its rank), name, resources, whether it writes JSON-ish flow style. */
    record Spec(int owner, String name, List<Res> resources, boolean flow) {
        Fragment load() {
            String path = OWNERS.get(owner) + "/" + name + (flow ? ".json" : ".yaml");
            String text;
            if (flow) {
                StringBuilder sb = new StringBuilder("{\"Resources\": {");
                for (int i = 0; i < resources.size(); i++) {
                    Res r = resources.get(i);
                    sb.append(i == 0 ? "" : ",\n").append("\"").append(r.id()).append("\": {\"Type\": \"").append(r.type())
                            .append("\", \"Properties\": {\"VisibilityTimeout\": ").append(r.value())
                            .append(r.extra() ? ", \"DelaySeconds\": 5" : "").append("}}");
                }
                text = sb.append("}}\n").toString();
            } else {
                StringBuilder sb = new StringBuilder("Resources:\n");
                resources.forEach(r -> sb.append(r.yaml()));
                text = resources.isEmpty() ? "Resources: {}\n" : sb.toString();
            }
            Value v = DocumentLoader.defaults().load(path, text);
            return new Fragment(path, OWNERS.get(owner), owner, text, Fragments.checkShape(path, text, v));
        }
    }

    static Arbitrary<Res> resource(Arbitrary<String> ids) {
        return Combinators.combine(ids, Arbitraries.of("AWS::SQS::Queue", "AWS::SNS::Topic"),
                Arbitraries.integers().between(0, 3), Arbitraries.of(true, false)).as(Res::new);
    }

    /** Fragments whose logical ids come from a small pool, so owners overlap often (identical or not). */
    @Provide
    Arbitrary<List<Spec>> overlapping() {
        Arbitrary<Spec> spec = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.of("a", "b", "c", "d"),
                resource(Arbitraries.of("Q1", "Q2", "Q3", "Q4")).list().ofMaxSize(4)
                        .uniqueElements(Res::id),
                Arbitraries.of(true, false)).as(Spec::new);
        return spec.list().ofMinSize(1).ofMaxSize(6).uniqueElements(s -> s.owner() + "/" + s.name() + s.flow());
    }

    @Property(tries = 300)
    void deterministicAndIndependentOfTheOrderFragmentsAreGivenIn(@ForAll("overlapping") List<Spec> specs,
                                                                  @ForAll long seed) {
        List<Fragment> fragments = specs.stream().map(Spec::load).toList();
        List<Fragment> shuffled = new ArrayList<>(fragments);
        Collections.shuffle(shuffled, new Random(seed));
        Merger.Result a = Merger.merge(fragments);
        Merger.Result b = Merger.merge(shuffled);
        Merger.Result again = Merger.merge(fragments);
        assertThat(TemplateWriter.yaml(b.template())).isEqualTo(TemplateWriter.yaml(a.template()))
                .isEqualTo(TemplateWriter.yaml(again.template()));
        assertThat(TemplateWriter.provenance(b, "m.yaml")).isEqualTo(TemplateWriter.provenance(a, "m.yaml"));
        assertThat(b.findings().stream().map(MergeFixturesTest::line).toList())
                .isEqualTo(a.findings().stream().map(MergeFixturesTest::line).toList());
        // what is written reads back as the merged template
        if (!a.template().isEmpty()) {
            assertThat(DocumentLoader.defaults().load("m.yaml", TemplateWriter.yaml(a.template()))).isEqualTo(a.template());
            assertThat(DocumentLoader.defaults().load("m.json", TemplateWriter.write(a.template(), "m.json"))).isEqualTo(a.template());
        }
    }

    /** Fragments whose logical ids are unique to their fragment: no owner overlaps another. */
    @Provide
    Arbitrary<List<Spec>> disjoint() {
        return Combinators.combine(Arbitraries.integers().between(0, 2), Arbitraries.strings().withCharRange('a', 'z').ofLength(3),
                        resource(Arbitraries.strings().withCharRange('A', 'Z').ofMinLength(1).ofMaxLength(6)).list().ofMaxSize(5)
                                .uniqueElements(Res::id), Arbitraries.of(true, false)).as(Spec::new)
                .list().ofMinSize(1).ofMaxSize(6).uniqueElements(s -> s.owner() + "/" + s.name())
                .filter(l -> {
                    Set<String> ids = new LinkedHashSet<>();
                    return l.stream().flatMap(s -> s.resources().stream()).allMatch(r -> ids.add(r.id()));
                });
    }

    @Property(tries = 300)
    void withoutOverlapTheMergeHasNoFindingsAndResourcesAreTheDisjointUnion(@ForAll("disjoint") List<Spec> specs) {
        List<Fragment> fragments = specs.stream().map(Spec::load).toList();
        Merger.Result r = Merger.merge(fragments);
        assertThat(r.findings()).isEmpty();
        Map<String, Value> union = new LinkedHashMap<>();
        Map<String, String> owners = new LinkedHashMap<>();
        for (Fragment f : fragments) {
            if (f.root().get("Resources") instanceof MapValue m) {
                m.entries().forEach((k, v) -> {
                    union.put(k, v);
                    owners.put(k, f.path());
                });
            }
        }
        Map<String, Value> merged = r.template().get("Resources") instanceof MapValue m ? m.entries() : Map.of();
        assertThat(merged).isEqualTo(union);
        for (Merger.Element el : r.elements()) {
            assertThat(el.fragment().path()).isEqualTo(owners.get(el.key()));
            assertThat(el.duplicates()).isEmpty();
        }
    }

    /** Security's resources and, for some of them, redefinitions in lower owners' fragments. */
    record Redefinitions(List<Res> security, List<Spec> lower) {}

    @Provide
    Arbitrary<Redefinitions> redefinitions() {
        Arbitrary<List<Res>> sec = resource(Arbitraries.of("S1", "S2", "S3", "S4", "S5")).list().ofMinSize(1).ofMaxSize(5)
                .uniqueElements(Res::id);
        return sec.flatMap(s -> {
            Arbitrary<Spec> lower = Combinators.combine(Arbitraries.integers().between(1, 2), Arbitraries.of("x", "y", "z"),
                    Arbitraries.of(s).list().ofMaxSize(s.size()).uniqueElements(Res::id)
                            .flatMap(picked -> Arbitraries.integers().between(0, 2).map(how -> picked.stream().map(p -> switch (how) {
                                case 0 -> new Res(p.id(), p.type(), p.value() + 10, p.extra());   // changes a property
                                case 1 -> new Res(p.id(), p.type(), p.value(), !p.extra());       // adds or drops one
                                default -> new Res(p.id(), p.type().equals("AWS::SQS::Queue") ? "AWS::SNS::Topic"
                                        : "AWS::SQS::Queue", p.value(), p.extra());                // changes the type
                            }).toList())),
                    Arbitraries.of(true, false)).as(Spec::new);
            return lower.list().ofMaxSize(4).uniqueElements(l -> l.owner() + "/" + l.name() + l.flow())
                    .map(l -> new Redefinitions(s, l));
        });
    }

    @Property(tries = 300)
    void aHigherOwnersResourceAlwaysWinsAndEachRedefinitionIsOneBlockingFinding(@ForAll("redefinitions") Redefinitions d) {
        Fragment security = new Spec(0, "base", d.security(), false).load();
        List<Fragment> fragments = new ArrayList<>(List.of(security));
        d.lower().forEach(l -> fragments.add(l.load()));
        Merger.Result r = Merger.merge(fragments);
        MapValue kept = (MapValue) security.root().get("Resources");
        MapValue merged = (MapValue) r.template().get("Resources");
        assertThat(merged.entries()).isEqualTo(kept.entries());
        int redefinitions = d.lower().stream().mapToInt(l -> l.resources().size()).sum();
        List<Finding> blocking = r.findings().stream().filter(f -> f.rule().severity() != Severity.INFO).toList();
        assertThat(blocking).hasSize(redefinitions).allSatisfy(f -> {
            assertThat(f.rule()).isEqualTo(MergeRules.REDEFINED);
            assertThat(f.location().file()).doesNotStartWith("security/");
            assertThat(f.message()).contains("owned by security (security/base.yaml:");
        });
        // exactly one per (fragment, logical id)
        assertThat(blocking.stream().map(f -> f.location().file() + f.location().path()).distinct()).hasSize(redefinitions);
    }
}
