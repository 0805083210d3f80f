package gatehouse.iac.pack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gatehouse.core.InputException;
import gatehouse.guard.eval.ClauseFailure;
import gatehouse.guard.eval.Evaluator;
import gatehouse.guard.eval.FileEvaluation;
import gatehouse.guard.parse.Parser;
import gatehouse.iac.load.DocumentLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gh_include} (shared rule files) and {@code {{ }}} placeholders in custom messages, Gatehouse dialect. */
class IncludesAndMessagesTest {
    @TempDir
    Path dir;

    static final String TEMPLATE = """
            Resources:
              Web:
                Type: AWS::EC2::Instance
                Properties: { InstanceType: m5.24xlarge }
              Db:
                Type: AWS::RDS::DBInstance
                Properties: { StorageEncrypted: false }
            """;

    private List<ClauseFailure> failures(PackRule rule) {
        FileEvaluation ev = new Evaluator().evaluate(rule.file(), DocumentLoader.defaults().load("t.yaml", TEMPLATE));
        return ev.failures().stream().filter(f -> f.rule().equals(rule.guardRule())).toList();
    }

    @Test
    void includedVariablesFunctionsAndRulesAreUsableButLibraryRulesAreNotReported() throws IOException {
        Files.createDirectories(dir.resolve("rules/lib"));
        Files.writeString(dir.resolve("rules/lib/common.guard"), """
                let approved = ['t3.micro', 't3.small']
                rule is_instance(r) { %r.Type == 'AWS::EC2::Instance' }
                rule has_resources { Resources exists }
                """);
        Files.writeString(dir.resolve("rules/types.guard"), """
                gh_include 'lib/common.guard'
                rule approved_types when has_resources {
                  Resources.*[ Type == 'AWS::EC2::Instance' ].Properties.InstanceType in %approved
                    << {{ value }} at {{ path }} is not in {{ %approved }} >>
                }
                """);
        List<PackRule> rules = RulePack.loadPath(dir.resolve("rules"));
        assertThat(rules).extracting(PackRule::id).containsExactly("approved_types");
        List<ClauseFailure> f = failures(rules.get(0));
        assertThat(f).singleElement().extracting(ClauseFailure::customMessage)
                .isEqualTo(" m5.24xlarge at /Resources/Web/Properties/InstanceType is not in [t3.micro, t3.small] ");
    }

    @Test
    void aKeyCaptureIsAvailableToTheMessageOfTheBlockThatFollows() throws IOException {
        Path f = dir.resolve("r.guard");
        Files.writeString(f, """
                rule encrypted {
                  Resources[ logical_id ] {
                    Type != 'AWS::RDS::DBInstance' or Properties.StorageEncrypted == true
                      << one of {{ %logical_id }} stores data unencrypted >>
                  }
                }
                """);
        List<ClauseFailure> fail = failures(RulePack.loadPath(f).get(0));
        // as in cfn-guard, a message belongs to the clause it follows: here the second disjunct
        assertThat(fail).filteredOn(c -> c.customMessage() != null).singleElement()
                .extracting(ClauseFailure::customMessage).isEqualTo(" one of Web, Db stores data unencrypted ");
    }

    @Test
    void drop_inModeKeepsMessagesVerbatimAndRejectsIncludes() {
        String rule = "rule r { Resources.*.Type == 'X' << {{ value }} >> }";
        FileEvaluation ev = new Evaluator().evaluate(Parser.parse("r.guard", rule),
                DocumentLoader.defaults().load("t.yaml", TEMPLATE));
        assertThat(ev.failures()).isNotEmpty().allSatisfy(c -> assertThat(c.customMessage()).isEqualTo(" {{ value }} "));
        assertThatThrownBy(() -> Parser.parse("r.guard", "gh_include 'x.guard'\nrule r { Resources exists }"))
                .isInstanceOf(InputException.class).hasMessageContaining("Gatehouse extension");
    }

    @Test
    void cyclesMissingFilesBadPlaceholdersAndClashingRulesAreInputErrorsWithPositions() throws IOException {
        Files.writeString(dir.resolve("a.guard"), "rule a { Resources exists }\ngh_include 'b.guard'\n");
        Files.writeString(dir.resolve("b.guard"), "gh_include 'a.guard'\n");
        assertThatThrownBy(() -> RulePack.loadPath(dir.resolve("a.guard"))).isInstanceOf(InputException.class)
                .hasMessageContaining("include cycle").hasMessageContaining("b.guard:1:1");
        Files.writeString(dir.resolve("c.guard"), "rule c { Resources exists }\n\ngh_include 'missing.guard'\n");
        assertThatThrownBy(() -> RulePack.loadPath(dir.resolve("c.guard"))).isInstanceOf(InputException.class)
                .hasMessageContaining("c.guard:3:1").hasMessageContaining("not found");
        Files.writeString(dir.resolve("d.guard"), "rule d { Resources exists << {{ %a.b }} {{resolve:ssm:x}} >> }\n");
        assertThatThrownBy(() -> RulePack.loadPath(dir.resolve("d.guard"))).isInstanceOf(InputException.class)
                .hasMessageContaining("d.guard:1:30").hasMessageContaining("bad variable placeholder");
        Files.writeString(dir.resolve("e.guard"), "rule c { Resources exists }\n");
        Files.writeString(dir.resolve("f.guard"), "gh_include 'e.guard'\nrule c { Resources !empty }\n");
        assertThatThrownBy(() -> RulePack.loadPath(dir.resolve("f.guard"))).isInstanceOf(InputException.class)
                .hasMessageContaining("rule c is defined both");
    }
}
