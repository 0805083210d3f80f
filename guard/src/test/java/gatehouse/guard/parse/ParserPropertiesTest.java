package gatehouse.guard.parse;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.guard.ast.RulesFile;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the parser over generated input. */
class ParserPropertiesTest {
    /** Whatever the text, the parser returns a tree or a GuardParseException: never another exception, never a hang. */
    @Property(tries = 500)
    void arbitraryTokenSoupOnlyEverFailsCleanly(@ForAll("soup") String text) {
        try {
            Parser.parse("soup.guard", text);
        } catch (GuardParseException e) {
            assertThat(e.diagnostics()).isNotEmpty();
            assertThat(e.first().span()).isNotNull();
        }
    }

    @Provide
    Arbitrary<String> soup() {
        Arbitrary<String> tokens = Arbitraries.of("rule", "let", "when", "x", "%v", "Resources", ".", "*", "[*]", "[", "]",
                "{", "}", "(", ")", "==", "!=", "in", "not", "exists", "empty", "'s'", "/r/", "1", "-2", "3.5", "true",
                "null", "or", "|OR|", "<<", ">>", "keys", "|", ",", ":", "=", "\n", " ", "#c\n", "AWS::S3::Bucket", "some",
                "this", "r[1,2]", "count(", "\"q\"");
        return tokens.list().ofMaxSize(40).map(l -> String.join(" ", l));
    }

    /** Printing a generated rule file's parse tree is stable: parsing the same text twice gives equal trees. */
    @Property(tries = 200)
    void parsingIsDeterministic(@ForAll("rules") String text) {
        RulesFile a = Parser.parse("g.guard", text);
        RulesFile b = Parser.parse("g.guard", text);
        assertThat(ParseTreeWriter.toYaml(a)).isEqualTo(ParseTreeWriter.toYaml(b));
        assertThat(ParseTreeWriter.toJson(a)).startsWith("{");
    }

    @Provide
    Arbitrary<String> rules() {
        Arbitrary<String> key = Arbitraries.of("A", "Bb", "c_d", "Properties", "Type");
        Arbitrary<String> op = Arbitraries.of("==", "!=", ">", "<=", "IN", "not in");
        Arbitrary<String> value = Arbitraries.of("'x'", "1", "2.5", "true", "null", "/a.*b/", "['p', 'q']", "r[1,3]",
                "{a: 1}");
        Arbitrary<String> clause = net.jqwik.api.Combinators.combine(key.list().ofMinSize(1).ofMaxSize(4), op, value)
                .as((ks, o, v) -> String.join(".", ks) + " " + o + " " + v);
        return clause.list().ofMinSize(1).ofMaxSize(6).map(cs -> "rule r {\n  " + String.join("\n  ", cs) + "\n}\n");
    }
}
