package gatehouse.cli.semantics;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.core.doc.Value;
import gatehouse.guard.eval.Evaluator;
import gatehouse.guard.eval.FileEvaluation;
import gatehouse.guard.parse.Parser;
import gatehouse.iac.load.DocumentLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Data-driven Guard semantics: {@code semantics/cases.txt} holds rule texts with the status cfn-guard 3.1.1
 * gives rule {@code r} on {@code semantics/data.yaml} (each line checked against the real binary when it was
 * written). Covers type-strict comparison, list/scalar equality, IN, ranges, regexes, unresolved queries,
 * EMPTY/EXISTS, some/all, filters, key captures, variables, named and parameterized rules, when-SKIP, and the
 * 3.1.1 quirk that a clause-level {@code not} only inverts unary operators.
 */
class GuardSemanticsTest {
    @TestFactory
    Stream<DynamicTest> statusesAgreeWithCfnGuard() throws IOException {
        Value data = DocumentLoader.defaults().load("data.yaml", resource("data.yaml"));
        List<DynamicTest> tests = new ArrayList<>();
        for (String line : resource("cases.txt").split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", 2);
            String expected = f[0];
            String rules = f[1].replace("\\n", "\n");
            tests.add(DynamicTest.dynamicTest(expected + "  " + f[1], () -> {
                FileEvaluation ev = new Evaluator().evaluate(Parser.parse("q.guard", rules), data);
                assertThat(ev.statusByName().get("r")).hasToString(expected);
            }));
        }
        assertThat(tests).hasSizeGreaterThan(100);
        return tests.stream();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = GuardSemanticsTest.class.getResourceAsStream("/semantics/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
