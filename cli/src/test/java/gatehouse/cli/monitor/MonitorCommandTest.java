package gatehouse.cli.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import gatehouse.cli.Cli;
import gatehouse.cli.ExitCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gatehouse monitor test-pattern} in process: output, extracted values and exit codes on real files. */
class MonitorCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    Run cli(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), dir);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static final String TRAIL = """
            {"Records": [
              {"eventName": "ConsoleLogin", "eventSource": "signin.amazonaws.com", "errorMessage": "Failed authentication",
               "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/alice"}},
              {"eventName": "ConsoleLogin", "eventSource": "signin.amazonaws.com",
               "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::123456789012:user/bob"}},
              {"eventName": "ConsoleLogin", "eventSource": "signin.amazonaws.com", "errorMessage": "Failed authentication",
               "userIdentity": {"type": "Root", "arn": "arn:aws:iam::123456789012:root"}}
            ]}
            """;

    @Test
    void cloudTrailFileGzipped() throws Exception {
        Path f = dir.resolve("trail.json.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(f))) {
            o.write(TRAIL.getBytes(StandardCharsets.UTF_8));
        }
        Run r = cli("", "monitor", "test-pattern",
                "{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }", "trail.json.gz");
        assertThat(r.err()).isEmpty();
        assertThat(r.code()).isEqualTo(ExitCode.OK.code);
        assertThat(r.out()).isEqualTo("""
                line 2, event 1: ConsoleLogin  signin.amazonaws.com  arn:aws:iam::123456789012:user/alice
                line 6, event 3: ConsoleLogin  signin.amazonaws.com  arn:aws:iam::123456789012:root
                2 of 3 events matched
                """);
    }

    @Test
    void termPatternOnStandardInput() {
        Run r = cli("[ERROR 400] BAD REQUEST\n\n[ERROR 419] MISSING ARGUMENTS\n[INFO] fine\n", "monitor", "test-pattern", "ERROR -ARGUMENTS", "-");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("line 1, event 1: [ERROR 400] BAD REQUEST\n1 of 3 events matched\n");
    }

    @Test
    void spaceDelimitedWithMetricValueAndDimension() throws Exception {
        Files.writeString(dir.resolve("access.log"), """
                127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534
                127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 200 5324
                """);
        Run r = cli("", "monitor", "test-pattern", "[..., request=*.html*, status_code=4*, bytes]",
                "--metric-value", "$bytes", "--dimension", "Status=$status_code", "access.log");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                line 1, event 1: 127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534
                    $1 = 127.0.0.1
                    $2 = -
                    $3 = frank
                    $4 = 10/Oct/2000:13:25:15 -0700
                    $request = GET /index.html HTTP/1.0
                    $status_code = 404
                    $bytes = 1534
                    metric value = 1534
                    dimension Status = 404
                1 of 2 events matched
                """);
    }

    @Test
    void jsonLinesWithSelectorMetricValue() {
        Run r = cli("{\"latency\": 700, \"path\": \"/a\"}\n{\"latency\": 20}\n{\"latency\": \"slow\", \"x\": 1}\n", "monitor", "test-pattern",
                "{ $.latency = * }", "--metric-value", "$.latency", "--dimension", "Path=$.path");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                line 1, event 1: {"latency":700,"path":"/a"}
                    metric value = 700
                    dimension Path = /a
                line 2, event 2: {"latency":20}
                    metric value: none (no numeric value at $.latency, or a dimension is missing)
                line 3, event 3: {"latency":"slow","x":1}
                    metric value: none (no numeric value at $.latency, or a dimension is missing)
                3 of 3 events matched
                """);
    }

    @Test
    void noMatchIsStillSuccess() {
        Run r = cli("[{\"eventName\": \"GetObject\"}]", "monitor", "test-pattern", "{ $.eventName = PutObject }");
        assertThat(r.code()).isEqualTo(ExitCode.OK.code);
        assertThat(r.out()).isEqualTo("0 of 1 events matched\n");
    }

    @Test
    void badPatternIsAnInputErrorWithColumnAndHint() {
        Run r = cli("", "monitor", "test-pattern", "{ $.a == 1 }", "-");
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("pattern:1:7: error: '==' is not an operator\n")
                .contains("{ $.a == 1 }").contains("      ^").contains("  hint: write = for equality").doesNotContain("Exception");
    }

    @Test
    void badMetricValueIsAnInputError() {
        Run r = cli("", "monitor", "test-pattern", "{ $.a = 1 }", "--metric-value", "$bytes");
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).startsWith("metricValue:1:1: error: '$bytes' names a space-delimited field but the pattern is not space-delimited");
        Run d = cli("", "monitor", "test-pattern", "{ $.a = 1 }", "--dimension", "nope");
        assertThat(d.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(d.err()).startsWith("--dimension:1:1: error: 'nope' is not NAME=SELECTOR");
    }

    @Test
    void missingFileAndMalformedJsonAreInputErrors() throws Exception {
        Run r = cli("", "monitor", "test-pattern", "ERROR", "nope.log");
        assertThat(r.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(r.err()).isEqualTo("nope.log:1:1: error: no such file\n  hint: check the path, or pass '-' to read standard input\n");
        Files.writeString(dir.resolve("bad.json"), "{\"Records\": [\n  {\"eventName\": \"A\"},\n  {\"eventName\": }\n]}");
        Run j = cli("", "monitor", "test-pattern", "{ $.eventName = A }", "bad.json");
        assertThat(j.code()).isEqualTo(ExitCode.INPUT_ERROR.code);
        assertThat(j.err()).startsWith("bad.json:3:17: error: malformed JSON: ").contains("  hint: ");
        assertThat(j.out()).isEqualTo("line 2, event 1: A\n");
    }

    @Test
    void helpListsTheSubcommand() {
        Run r = cli("", "monitor", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("test-pattern");
    }

    @Test
    void realCloudTrailRecordsFromTheSharedCorpus() {
        Path f = Path.of(System.getProperty("gatehouse.shared", "../../shared"), "conformance", "cloudtrail",
                "otrf_security-datasets");
        Assumptions.assumeTrue(Files.isDirectory(f), "no ../shared corpus");
        Path file;
        try (var s = Files.list(f)) {
            file = s.filter(p -> p.toString().endsWith(".json")).findFirst().orElse(null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Assumptions.assumeTrue(file != null, "no OTRF json file");
        Run r = cli("", "monitor", "test-pattern", "{ $.eventSource = s3.amazonaws.com }", file.toAbsolutePath().toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).containsPattern("\\n[1-9][0-9]* of 103 events matched\\n$").contains("s3.amazonaws.com");
    }
}
