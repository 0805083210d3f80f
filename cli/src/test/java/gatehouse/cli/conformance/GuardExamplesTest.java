package gatehouse.cli.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** cfn-guard's guard-examples: each rule file passes its own unit tests under {@code gatehouse guard test}. */
class GuardExamplesTest {
    @TestFactory
    Stream<DynamicTest> everyExamplePassesItsTests() throws Exception {
        Path root = Shared.dir("conformance/guard/cfn-guard/guard-examples");
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path rule : s.filter(p -> p.toString().endsWith(".guard")).sorted().toList()) {
                String base = rule.getFileName().toString().replace(".guard", "");
                Path spec = rule.resolveSibling(base + "-tests.yaml");
                if (!Files.exists(spec)) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(root.relativize(rule).toString(), () -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    ByteArrayOutputStream err = new ByteArrayOutputStream();
                    int rc = Main.run(new String[] {"guard", "test", "-r", rule.toString(), "-t", spec.toString()},
                            new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8));
                    assertThat(rc).as("guard test exit code; output:%n%s%n%s", out, err).isZero();
                    assertThat(out.toString(StandardCharsets.UTF_8)).contains("PASS Rules:").doesNotContain("FAIL Rules:");
                }));
            }
        }
        assertThat(tests).hasSize(12);
        return tests.stream();
    }
}
