package gatehouse.cli.guard;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.cli.Cli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse guard test} output details that cfn-guard 3.1.1 users script against. */
class GuardTestCommandTest {
    @TempDir
    Path dir;

    @Test
    void scalarTestNamesArePrintedAsWrittenAndNullOrMissingNamesAreOmitted() throws IOException {
        Files.writeString(dir.resolve("x.guard"), "rule x { Resources.*.Type == 'a' }\n");
        String one = """
                - name: %s
                  input: { Resources: { A: { Type: a } } }
                  expectations: { rules: { x: PASS } }
                """;
        Files.writeString(dir.resolve("t.yaml"), one.formatted("false") + one.formatted("123") + one.formatted("null")
                + one.formatted("plain words"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Cli.run(new String[] {"guard", "test", "-r", "x.guard", "-t", "t.yaml"},
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), dir);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).isZero();
        assertThat(text).contains("Test Case #1\nName: false\n", "Test Case #2\nName: 123\n",
                "Test Case #4\nName: plain words\n");
        assertThat(text).doesNotContain("Name: null").contains("Test Case #3\n  PASS Rules:");
    }
}
