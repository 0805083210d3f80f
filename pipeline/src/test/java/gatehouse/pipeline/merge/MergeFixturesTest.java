package gatehouse.pipeline.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.finding.Finding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data-driven merge cases: each directory under {@code cases/} is a small repository with a {@code gatehouse.yml}
 * ({@code merge:} section), fragments and rules, and an {@code expected/} directory of golden files:
 * {@code findings.txt} (every finding and the decision), the merged template ({@code merged.yaml} or
 * {@code merged.json}, as the case's output says), {@code provenance.json}; or {@code error.txt} for a case that must
 * fail with an input error. An optional {@code fragments.txt} names the fragments explicitly (else the directory is
 * walked). Run with {@code -Dgolden.update=true} to rewrite the golden files (the run then fails: review the diff).
 */
class MergeFixturesTest {
    static final Path CASES = Path.of("src/test/resources/gatehouse/pipeline/merge/cases");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> cases() throws IOException {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(CASES)) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(dirs).as("fixture cases").hasSizeGreaterThanOrEqualTo(10);
        return dirs.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> runCase(d)));
    }

    private void runCase(Path caseDir) throws IOException {
        Path work = tmp.resolve(caseDir.getFileName().toString());
        copy(caseDir, work);
        Path expected = caseDir.resolve("expected");
        if (!Boolean.getBoolean("golden.update")) {
            assertThat(expected).as("every case has expected/ golden files").isDirectory();
        }
        List<Path> fragments = new ArrayList<>();
        Path list = work.resolve("fragments.txt");
        if (Files.exists(list)) {
            for (String l : Files.readAllLines(list)) {
                if (!l.isBlank()) {
                    fragments.add(work.resolve(l.strip()));
                }
            }
        }
        Path config = work.resolve("gatehouse.yml");
        List<String> checked = new ArrayList<>();
        try {
            MergeSpec spec = MergeConfig.load(config);
            SplitOwnershipMerge.Outcome out = new SplitOwnershipMerge(CLOCK).run(spec, fragments,
                    Set.of(config, list, work.resolve("expected")));
            StringBuilder sb = new StringBuilder();
            for (Finding f : out.report().findings()) {
                sb.append(line(f)).append('\n');
            }
            out.report().errors().forEach(e -> sb.append("error: ").append(e).append('\n'));
            sb.append("decision: ").append(out.report().decision().outcome()).append(" — ")
                    .append(out.report().decision().reason()).append('\n');
            checked.add(golden(expected.resolve("findings.txt"), sb.toString()));
            String name = spec.output().getFileName().toString();
            assertThat(Files.readString(spec.output())).as("the merged template written is the one returned").isEqualTo(out.merged());
            checked.add(golden(expected.resolve(name), out.merged()));
            checked.add(golden(expected.resolve("provenance.json"), Files.readString(spec.provenance())));
            assertThat(Files.exists(expected.resolve("error.txt"))).as("case expects an input error").isFalse();
        } catch (InputException e) {
            String text = Diagnostic.renderAll(e.diagnostics()).replace(work.toAbsolutePath() + "/", "");
            checked.add(golden(expected.resolve("error.txt"), text));
        }
        assertThat(checked).as("a case must compare something").isNotEmpty();
        List<String> updated = checked.stream().filter(s -> !s.isEmpty()).toList();
        if (!updated.isEmpty()) {
            fail("golden files rewritten, review the diff: " + updated);
        }
    }

    /** One finding per line: rule, severity, file:line:col, path, message. */
    static String line(Finding f) {
        var l = f.location();
        return f.rule().id() + " " + f.rule().severity().label() + " " + l.file() + ":" + l.line() + ":" + l.column() + " "
                + l.path() + (f.suppressed() ? " [suppressed]" : "") + " | " + f.message()
                + (f.properties().isEmpty() ? "" : " " + f.properties());
    }

    /** Compares with the golden file; returns its name when it was (re)written, else "". */
    static String golden(Path file, String actual) throws IOException {
        if (Boolean.getBoolean("golden.update")) {
            Path src = Path.of(System.getProperty("gatehouse.root", "..")).resolve("pipeline").resolve(file);
            String old = Files.exists(src) ? Files.readString(src) : null;
            if (!actual.equals(old)) {
                Files.createDirectories(src.getParent());
                Files.writeString(src, actual, StandardCharsets.UTF_8);
                return file.toString();
            }
            return "";
        }
        assertThat(file).as("golden file (create it with -Dgolden.update=true)").exists();
        assertThat(actual).as(file.toString()).isEqualTo(Files.readString(file));
        return "";
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            s.filter(p -> !from.relativize(p).startsWith("expected")).forEach(p -> {
                Path t = to.resolve(from.relativize(p).toString());
                try {
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(t);
                    } else {
                        Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
