package gatehouse.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gatehouse.core.InputException;
import gatehouse.secrets.rules.GitleaksConfig;
import gatehouse.secrets.rules.RuleSet;
import gatehouse.secrets.rules.SecretRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * gitleaks' own configuration test files: every {@code valid/} config loads, every {@code invalid/} one is an
 * input error (skipped when ../shared is absent). Their {@code [extend] path}s are written relative to gitleaks'
 * {@code cmd/} directory, which the loader's work directory stands in for.
 */
class ConfigCorpusTest {
    static final Path CONFIGS = GitleaksCasesTest.SHARED.resolve("gitleaks/testdata/config");

    static GitleaksConfig loader() {
        return new GitleaksConfig(CONFIGS.getParent().getParent().resolve("cmd"));
    }

    static Stream<Path> files(String dir) throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(CONFIGS.resolve(dir)), "no ../shared corpus");
        return Files.list(CONFIGS.resolve(dir)).filter(p -> p.toString().endsWith(".toml")).sorted();
    }

    @TestFactory
    Stream<DynamicTest> validConfigsLoad() throws IOException {
        // extend_base_1/2 are only ever bases: base_2 sits at depth 2 (its own [extend] names a file that does not exist and is
        // not followed there); loaded on its own, that missing file is an error, as in gitleaks
        return files("valid").filter(p -> !p.getFileName().toString().matches("extend_base_[12]\\.toml"))
                .map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            RuleSet rs = loader().load(p);
            assertThat(rs.rules().size() + rs.allowlists().size()).isPositive();
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidConfigsAreInputErrors() throws IOException {
        return files("invalid").map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () ->
                assertThatThrownBy(() -> loader().load(p)).isInstanceOf(InputException.class)
                        .hasMessageContaining(p.getFileName().toString())));
    }

    @Test
    void extendOverridesScalarsAppendsListsAndDisables() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(CONFIGS), "no ../shared corpus");
        RuleSet rs = loader().load(CONFIGS.resolve("valid/extend.toml"));
        // extend.toml -> base_1 -> base_2; base_2's own [extend] is beyond gitleaks' depth and not followed
        assertThat(rs.rules()).extracting(SecretRule::id)
                .contains("aws-secret-key", "aws-access-key", "aws-secret-key-again");
        RuleSet disabled = loader().load(CONFIGS.resolve("valid/extend_disabled.toml"));
        assertThat(disabled.rules()).extracting(SecretRule::id).doesNotContain("custom-rule1").contains("pypi-upload-token");
        RuleSet and = loader().load(CONFIGS.resolve("valid/extend_rule_allowlist_and.toml"));
        SecretRule r = and.rules().stream().filter(x -> x.id().equals("aws-secret-key-again-again")).findFirst().orElseThrow();
        assertThat(r.allowlists()).hasSize(2);
        assertThat(r.regex()).isNotNull();
    }

    @Test
    void syntaxErrorsHaveLineAndColumnAndUseDefaultExtendsGatehouseRules(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.toml");
        Files.writeString(bad, "title = \"x\"\n[[rules]]\nid = \"a\"\nregex = '''unterminated\n");
        assertThatThrownBy(() -> new GitleaksConfig(dir).load(bad)).isInstanceOf(InputException.class)
                .hasMessageContaining("bad.toml:4:9").hasMessageContaining("unterminated");
        Path hostile = dir.resolve("hostile.toml");
        Files.writeString(hostile, "[[rules]]\nid = \"x\"\nregex = '''(a+)+\\1'''\n");
        assertThatThrownBy(() -> new GitleaksConfig(dir).load(hostile)).isInstanceOf(InputException.class)
                .hasMessageContaining("not a valid RE2 regex");
        Path folding = dir.resolve("folding.toml");
        Files.writeString(folding, "[[rules]]\nid = \"x\"\nregex = '''(?i)key[\\x{100}-\\x{FFFF}]{8}'''\n");
        assertThatThrownBy(() -> new GitleaksConfig(dir).load(folding)).isInstanceOf(InputException.class)
                .hasMessageContaining("folding.toml").hasMessageContaining("U+1C80-U+1C88").hasMessageContaining("never ends");
        Path ext = dir.resolve("ext.toml");
        Files.writeString(ext, """
                [extend]
                useDefault = true
                disabledRules = ["generic-api-key"]
                [[rules]]
                id = "internal-token"
                regex = '''itk_[a-z0-9]{32}'''
                keywords = ["itk_"]
                """);
        RuleSet rs = new GitleaksConfig(dir).load(ext);
        assertThat(rs.rules()).extracting(SecretRule::id).contains("internal-token", "github-pat", "aws-access-token")
                .doesNotContain("generic-api-key");
        assertThat(rs.rules().size()).isEqualTo(GitleaksConfig.defaults().rules().size());
    }

    @Test
    void everyDefaultRuleCompilesAndHasKeywordsOrAPath() {
        List<SecretRule> rules = GitleaksConfig.defaults().rules();
        assertThat(rules).hasSizeGreaterThan(200);
        for (SecretRule r : rules) {
            if (r.regex() != null) {
                assertThat(r.regex().get().groupCount()).as(r.id()).isGreaterThanOrEqualTo(r.secretGroup());
            }
            if (r.path() != null) {
                r.path().get();
            }
            r.allowlists().forEach(a -> {
                a.paths().forEach(x -> x.get());
                a.regexes().forEach(x -> x.get());
            });
            assertThat(r.keywords().isEmpty() && r.path() == null).as("%s runs on every file", r.id()).isFalse();
        }
    }
}
