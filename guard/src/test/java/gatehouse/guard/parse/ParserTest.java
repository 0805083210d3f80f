package gatehouse.guard.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gatehouse.guard.ast.GuardClause;
import gatehouse.guard.ast.QueryPart;
import gatehouse.guard.ast.RuleClause;
import gatehouse.guard.ast.RulesFile;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ParserTest {
    @Test
    void topLevelClausesFormTheDefaultRuleFirst() {
        RulesFile f = Parser.parse("t.guard", "rule a { x exists }\ny == 1\n");
        assertThat(f.guardRules()).extracting(r -> r.ruleName()).containsExactly("default", "a");
    }

    @Test
    void aLeadingVariableIteratesItsValues() {
        RulesFile f = Parser.parse("t.guard", "let v = Resources.*\nrule r { %v.Type == 'x' }\n");
        RuleClause.Clause c = (RuleClause.Clause) f.guardRules().get(0).block().conjunctions().get(0).get(0);
        GuardClause.Clause clause = (GuardClause.Clause) c.clause();
        assertThat(clause.accessClause().query().parts()).containsExactly(new QueryPart.Key("%v"),
                new QueryPart.AllIndices(null), new QueryPart.Key("Type"));
    }

    @Test
    void typeBlocksDesugarToAFilterOnResources() {
        RulesFile f = Parser.parse("t.guard", "AWS::S3::Bucket { Properties.X exists }\n");
        RuleClause.TypeBlockClause t = (RuleClause.TypeBlockClause) f.guardRules().get(0).block().conjunctions().get(0).get(0);
        assertThat(t.typeBlock().typeName()).isEqualTo("AWS::S3::Bucket");
        assertThat(t.typeBlock().query()).hasSize(3).first().isEqualTo(new QueryPart.Key("Resources"));
    }

    @Test
    void emptyAndCommentOnlyFilesAreEmpty() {
        assertThat(Parser.parse("t.guard", "").isEmpty()).isTrue();
        assertThat(Parser.parse("t.guard", "# nothing\n\n  # here\n").isEmpty()).isTrue();
        assertThat(ParseTreeWriter.toYaml(Parser.parse("t.guard", ""))).isEqualTo("null\n");
    }

    @Test
    void errorsNameFileLineColumnWithACaret() {
        assertThatThrownBy(() -> Parser.parse("bad.guard", "rule x {\n  a == \n}\n"))
                .isInstanceOfSatisfying(GuardParseException.class, e -> {
                    assertThat(e.first().headline()).startsWith("bad.guard:2:7: error: expecting either a property access");
                    assertThat(e.first().render()).contains("    2 |   a ==\n").contains("^");
                    assertThat(e.cfnGuardMessage()).startsWith(
                            "Parser Error when parsing `Parsing Error Error parsing file bad.guard at line 2 at column 7");
                });
    }

    @Test
    void aRegexRe2jWouldNeverFinishCompilingIsAParseError() {
        // (?i) over U+1C80: RE2/J's case folding loops forever on it (FoldHazard); refused in linear time instead
        assertThatThrownBy(() -> Parser.parse("h.guard", "rule r {\n  Name == /(?i)[a-\\x{FFFF}]/\n}\n"))
                .isInstanceOfSatisfying(GuardParseException.class, e -> {
                    assertThat(e.first().headline()).startsWith("h.guard:2:11: error: invalid regex /(?i)[a-\\x{FFFF}]/")
                            .contains("never ends");
                });
        assertThat(Parser.parse("ok.guard", "rule r { Name == /(?i)[a-\\x{1C7F}]/ }\n").isEmpty()).isFalse();
    }

    @Test
    void functionsOnTheLeftAreRejectedWithAHint() {
        assertThatThrownBy(() -> Parser.parse("f.guard", "rule r { count(Resources.*) == 1 }\n"))
                .isInstanceOfSatisfying(GuardParseException.class,
                        e -> assertThat(e.first().hint()).contains("assign the call to a variable"));
    }

    @Test
    void arityIsCheckedAtParseTime() {
        assertThatThrownBy(() -> Parser.parse("f.guard", "let x = join(a)\n"))
                .isInstanceOf(GuardParseException.class).hasMessageContaining("join takes 2 arguments, got 1");
    }

    @Test
    void aBareRuleReferenceMustEndItsLine() {
        assertThatThrownBy(() -> Parser.parse("f.guard", "rule a { x exists }\nrule b { a }\n"))
                .isInstanceOf(GuardParseException.class);
        assertThat(Parser.parse("f.guard", "rule a { x exists }\nrule b {\n  a\n}\n").guardRules()).hasSize(2);
    }

    @Test
    void severalErrorsAreReportedPerFile() {
        assertThatThrownBy(() -> Parser.parse("f.guard", "rule a { x == }\nrule b { y == }\n"))
                .isInstanceOfSatisfying(GuardParseException.class, e -> assertThat(e.diagnostics()).hasSize(2));
    }

    @Test
    void hostileNestingEndsInADiagnosticQuickly() {
        for (String open : new String[] {"{", "[", "let x = [", "rule r { a[ b[ "}) {
            String text = "rule r " + open.repeat(100_000);
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> Parser.parse("deep.guard", text)).isInstanceOf(GuardParseException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void binaryContentIsRejected() {
        assertThatThrownBy(() -> Parser.parse("bin.guard", "rule r {\0\1\2 }"))
                .isInstanceOf(GuardParseException.class).hasMessageContaining("binary content");
    }

    @Test
    void unterminatedTokensAreReported() {
        for (String text : new String[] {"let x = 'abc", "let x = /abc", "rule r { a == 1 << never closed }",
                "rule r { a == 1"}) {
            assertThatThrownBy(() -> Parser.parse("u.guard", text)).isInstanceOf(GuardParseException.class);
        }
    }

    @Test
    void parseTreeMatchesCfnGuardsShape() {
        String yaml = ParseTreeWriter.toYaml(Parser.parse("t.guard", "let r = r[1, 5)\nrule a when %r exists { this.x == /re/ }\n"));
        assertThat(yaml).contains("value: '[1,5)'").contains("- This").contains("value: /re/")
                .contains("comparator:\n          - Exists\n          - false");
    }
}
