package gatehouse.iac.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.guard.eval.Evaluator;
import gatehouse.guard.eval.RuleResult;
import gatehouse.guard.eval.Status;
import gatehouse.iac.load.DocumentLoader;
import gatehouse.iac.resolve.IntrinsicResolver;
import gatehouse.iac.scan.ScanConfig;
import gatehouse.iac.scan.Variants;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every built-in rule's fixtures exactly as {@code gatehouse scan} evaluates templates (static
 * resolution, {@code Gatehouse} parameters, every {@code Fn::If} variant: FAIL in any variant is FAIL), and
 * fails when a rule lacks metadata, fixtures, one of the verdicts PASS/FAIL/SKIP, or an up-to-date doc page.
 */
class RulePackTest {
    private static final List<PackRule> RULES = RulePack.builtin();
    /** Rules for which no template without the resource can exist (none today); they need no SKIP case. */
    private static final Set<String> NO_SKIP = Set.of();

    @Test
    void thePackHasAtLeastSixtyRulesWithUniqueIdsAndCompleteMetadata() {
        assertThat(RULES).hasSizeGreaterThanOrEqualTo(60);
        Set<String> ids = new HashSet<>();
        for (PackRule r : RULES) {
            assertThat(ids.add(r.id())).as("duplicate id %s", r.id()).isTrue();
            assertThat(r.id()).matches("GH-[A-Z0-9]+-[0-9]{3}");
            assertThat(r.source()).as(r.id()).endsWith("/" + r.id() + ".guard");
            assertThat(r.rule().title()).isNotBlank();
            assertThat(r.rule().rationale()).isNotBlank();
            assertThat(r.rule().remediation()).isNotBlank();
            assertThat(r.rule().references()).as("references of %s", r.id()).isNotEmpty()
                    // one spelling per source, so reports can group by control
                    .allSatisfy(ref -> assertThat(ref).as("reference of %s", r.id()).matches(
                            "CIS AWS Foundations v[0-9]+\\.[0-9]+\\.[0-9]+ [0-9]+(\\.[0-9]+)*"
                                    + "|AWS Config [a-z0-9-]+( \\(AWS Security Hub [A-Za-z0-9.]+\\))?"
                                    + "|Control Tower CT\\.[A-Z0-9]+\\.PR\\.[0-9]+|AWS Well-Architected [A-Z0-9-]+|https://\\S+"));
            assertThat(r.rule().risk()).isBetween(0, 100);
            assertThat(r.resourceTypes()).isNotEmpty();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyFixturePasses() {
        return RULES.stream().flatMap(rule -> cases(rule).stream().map(c -> DynamicTest.dynamicTest(
                rule.id() + ": " + c.name(), () -> {
                    Status actual = verdict(rule, c.input());
                    assertThat(actual).as("%s on '%s'", rule.guardRule(), c.name()).isEqualTo(c.expected());
                })));
    }

    @Test
    void everyRuleHasPassFailAndSkipFixtures() {
        List<String> missing = new ArrayList<>();
        for (PackRule r : RULES) {
            Set<Status> seen = EnumSet.noneOf(Status.class);
            cases(r).forEach(c -> seen.add(c.expected()));
            Set<Status> needed = NO_SKIP.contains(r.id()) ? EnumSet.of(Status.PASS, Status.FAIL) : EnumSet.allOf(Status.class);
            if (!seen.containsAll(needed)) {
                missing.add(r.id() + " has " + seen);
            }
        }
        assertThat(missing).as("rules without PASS, FAIL and SKIP fixtures").isEmpty();
    }

    @Test
    void everyRuleHasAnUpToDateDocPage() throws IOException {
        String root = System.getProperty("gatehouse.root");
        if (root == null) {
            return; // run outside Maven: nothing to compare with
        }
        Path docs = Path.of(root, "docs", "rules");
        Map<String, String> sources = new java.util.HashMap<>();
        RulePack.builtinSources().forEach(e -> sources.put("builtin:" + e.getKey(), e.getValue()));
        List<String> stale = new ArrayList<>();
        for (PackRule r : RULES) {
            Path page = docs.resolve(r.id() + ".md");
            if (!Files.exists(page) || !Files.readString(page).equals(RuleDocs.page(r, sources.get(r.source())))) {
                stale.add(r.id());
            }
        }
        if (!Files.exists(docs.resolve("README.md")) || !Files.readString(docs.resolve("README.md")).equals(RuleDocs.index(RULES))) {
            stale.add("README.md");
        }
        assertThat(stale).as("doc pages missing or stale: run bin/gatehouse scan --rule-docs docs/rules").isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    record Case(String name, Value input, Status expected) {}

    static List<Case> cases(PackRule rule) {
        String res = "gatehouse/pack/tests/" + rule.id() + "_tests.yaml";
        try (InputStream in = RulePackTest.class.getClassLoader().getResourceAsStream(res)) {
            if (in == null) {
                fail("no fixtures for " + rule.id() + " (" + res + ")");
            }
            Value v = DocumentLoader.defaults().load(res, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            List<Case> out = new ArrayList<>();
            for (Value c : ((ListValue) v).elements()) {
                MapValue m = (MapValue) c;
                String name = ((StringValue) m.get("name")).value();
                MapValue rules = (MapValue) ((MapValue) m.get("expectations")).get("rules");
                for (Map.Entry<String, Value> e : rules.entries().entrySet()) {
                    assertThat(e.getKey()).as("fixture '%s' of %s names another rule", name, rule.id()).isEqualTo(rule.guardRule());
                    out.add(new Case(name, m.get("input"), Status.valueOf(((StringValue) e.getValue()).value())));
                }
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The rule's verdict as scan decides it: FAIL in any resolved variant, else PASS in any, else SKIP. */
    static Status verdict(PackRule rule, Value input) {
        Status out = Status.SKIP;
        for (Variants.Variant v : Variants.of(input, new IntrinsicResolver(), ScanConfig.defaults(Path.of(".")).parameters())) {
            for (RuleResult rr : new Evaluator().evaluate(rule.file(), v.document()).rules()) {
                if (rr.name().equals(rule.guardRule())) {
                    if (rr.status() == Status.FAIL) {
                        return Status.FAIL;
                    }
                    if (rr.status() == Status.PASS) {
                        out = Status.PASS;
                    }
                }
            }
        }
        return out;
    }
}
