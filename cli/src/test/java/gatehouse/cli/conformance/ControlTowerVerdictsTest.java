package gatehouse.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.core.doc.Value;
import gatehouse.guard.ast.RulesFile;
import gatehouse.guard.eval.Evaluator;
import gatehouse.guard.eval.Status;
import gatehouse.guard.parse.Parser;
import gatehouse.iac.load.DocumentLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every PASS/FAIL example template of the AWS Control Tower guide gets cfn-guard 3.1.1's verdict from its
 * control's Guard rule (316 of 316 match for cfn-guard; {@code ct-examples-baseline.txt}).
 */
class ControlTowerVerdictsTest {
    @TestFactory
    Stream<DynamicTest> examplesGetCfnGuardsVerdict() throws Exception {
        Path ct = Shared.dir("conformance/guard/control-tower");
        Path examples = ct.resolve("examples-from-aws-control-tower-guide");
        Path rules = ct.resolve("rules/control-tower/cfn-guard");
        java.util.Map<String, Path> ruleByName = new java.util.HashMap<>();
        try (var walk = Files.walk(rules)) {
            walk.filter(p -> p.toString().endsWith(".guard")).forEach(p -> ruleByName.put(p.getFileName().toString(), p));
        }
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : Files.readAllLines(examples.resolve("INDEX.tsv"))) {
            String[] f = line.split("\t");
            if (f.length < 3 || f[0].equals("control")) {
                continue;
            }
            String expected = f[1];
            Path template = examples.resolve(f[2]);
            String base = template.getFileName().toString().replaceFirst("\\.(pass|fail)-[0-9]+\\.yaml$", "");
            Path rule = ruleByName.get(base + ".guard");
            if (rule == null) {
                // the package spells the EFS controls' files "elasticfilesysystem"
                rule = ruleByName.get(base.replace("elasticfilesystem", "elasticfilesysystem") + ".guard");
            }
            Path ruleFile = rule;
            if (rule == null) {
                continue; // 4 controls of the guide are not in the package
            }
            tests.add(DynamicTest.dynamicTest(f[2], () -> {
                RulesFile rf = Parser.parse(ruleFile.getFileName().toString(), Files.readString(ruleFile));
                Value doc = DocumentLoader.defaults().load(template);
                Status s = new Evaluator().evaluate(rf, doc).status();
                assertThat(s == Status.FAIL ? "FAIL" : "PASS").isEqualTo(expected);
            }));
        }
        assertThat(tests).hasSize(316);
        return tests.stream();
    }
}
