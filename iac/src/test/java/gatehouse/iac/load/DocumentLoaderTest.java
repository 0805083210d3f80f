package gatehouse.iac.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gatehouse.core.doc.BoolValue;
import gatehouse.core.doc.FloatValue;
import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.NullValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DocumentLoaderTest {
    private final DocumentLoader loader = DocumentLoader.defaults();

    private Value field(String yaml) {
        return ((MapValue) loader.load("t.yaml", "X: " + yaml + "\n")).get("X");
    }

    /** cfn-guard 3.1.1's typing of plain scalars, each row checked against the real binary. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''        | string", "Null      | null", "True      | string", "true      | bool", "0x1F      | string",
            "1_000     | string", ".inf      | string", "inf       | float", "1e3       | float", "+5        | int",
            "'\"5\"'   | string", "9223372036854775808 | float", "1.        | float", "~         | null", "yes | string",
            "'!!str 5' | string", "-7        | int", "2.5       | float"})
    void scalarsAreTypedAsCfnGuardTypesThem(String yaml, String kind) {
        assertThat(field(yaml).kindName()).isEqualTo(kind);
    }

    @Test
    void shortFormTagsBecomeLongForm() {
        MapValue m = (MapValue) loader.load("t.yaml", "A: !Ref x\nB: !GetAtt a.b\nC: !Condition c\nD: !Foo bar\nE: !Sub [\"${x}\", {x: 1}]\n");
        assertThat(((MapValue) m.get("A")).get("Ref")).isEqualTo(StringValue.of("x"));
        assertThat(((MapValue) m.get("B")).get("Fn::GetAtt")).isEqualTo(StringValue.of("a.b"));
        assertThat(((MapValue) m.get("C")).get("Condition")).isEqualTo(StringValue.of("c"));
        assertThat(m.get("D")).isEqualTo(StringValue.of("bar"));
        assertThat(((MapValue) m.get("E")).get("Fn::Sub")).isInstanceOf(ListValue.class);
        assertThat(((MapValue) m.get("E")).get("Fn::Sub").path()).isEqualTo("/E/Fn::Sub");
    }

    @Test
    void positionsAreCfnGuards() {
        MapValue yaml = (MapValue) loader.load("t.yaml", "Resources:\n  B:\n    Properties:\n      A: 1\n");
        Value a = ((MapValue) ((MapValue) ((MapValue) yaml.get("Resources")).get("B")).get("Properties")).get("A");
        assertThat(a.path()).isEqualTo("/Resources/B/Properties/A");
        assertThat(a.position()).isEqualTo(new Position(4, 9)); // cfn-guard prints L:3,C:9
        MapValue json = (MapValue) loader.load("t.json", "{\n  \"A\": [1, \"s\"]\n}");
        assertThat(((ListValue) json.get("A")).get(1).position()).isEqualTo(new Position(2, 11));
    }

    @Test
    void jsonAndYamlLoadToEqualTrees() {
        Value j = loader.load("t.json", "{\"a\": [1, 2.5, true, null, \"s\"], \"b\": {\"c\": \"d\"}}");
        Value y = loader.load("t.yaml", "a: [1, 2.5, true, null, s]\nb:\n  c: d\n");
        assertThat(j).isEqualTo(y);
        assertThat(((ListValue) ((MapValue) j).get("a")).elements())
                .hasExactlyElementsOfTypes(IntValue.class, FloatValue.class, BoolValue.class, NullValue.class, StringValue.class);
    }

    @Test
    void anchorsAliasesAndMergeKeysResolve() {
        MapValue m = (MapValue) loader.load("t.yaml", "base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\nref: *b\n");
        MapValue d = (MapValue) m.get("derived");
        assertThat(d.get("x")).isEqualTo(IntValue.of(1));
        assertThat(d.get("y")).isEqualTo(IntValue.of(3));
        assertThat(d.get("x").path()).isEqualTo("/derived/x");
        assertThat(m.get("ref")).isEqualTo(m.get("base"));
        assertThatThrownBy(() -> loader.rejectAliases(true).load("t.yaml", "a: &x 1\nb: *x\n"))
                .isInstanceOf(LoadException.class).hasMessageContaining("aliases are not supported");
    }

    @Test
    void billionLaughsIsStoppedByTheExpansionBudget() {
        StringBuilder sb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 9; i++) {
            sb.append("a").append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                sb.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            sb.append("]\n");
        }
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> loader.load("lol.yaml", sb.toString())).isInstanceOf(LoadException.class)
                .hasMessageContaining("expands to more than");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void hostileAndBrokenInputGivesOneCleanDiagnostic() {
        String deep = "[".repeat(100_000);
        assertThatThrownBy(() -> loader.load("deep.yaml", deep)).isInstanceOf(LoadException.class)
                .hasMessageContaining("deep.yaml:1:").hasMessageContaining("nesting deeper than 1000");
        assertThatThrownBy(() -> loader.load("deep.json", deep)).isInstanceOf(LoadException.class);
        assertThatThrownBy(() -> loader.load("t.yaml", "a: [1, 2")).isInstanceOf(LoadException.class)
                .hasMessageStartingWith("t.yaml:1:9: error: invalid YAML");
        assertThatThrownBy(() -> loader.load("t.yaml", "1: foo")).hasMessageContaining("a map key must be a string");
        assertThatThrownBy(() -> loader.load("t.yaml", "~:")).hasMessageContaining("a map key must be a string");
        assertThatThrownBy(() -> loader.load("t.yaml", "")).hasMessageContaining("empty document");
        assertThatThrownBy(() -> loader.load("t.yaml", "# only a comment\n")).hasMessageContaining("no document");
        assertThatThrownBy(() -> loader.load("t.bin", "a\0b")).hasMessageContaining("binary content");
    }

    @Test
    void filesThatAreMissingDirectoriesOrNotUtf8AreReported(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> loader.load(dir.resolve("missing.yaml"))).hasMessageContaining("no such file");
        assertThatThrownBy(() -> loader.load(dir)).hasMessageContaining("is a directory");
        Path latin1 = dir.resolve("l.yaml");
        Files.write(latin1, new byte[] {'a', ':', ' ', (byte) 0xe9});
        assertThatThrownBy(() -> loader.load(latin1)).hasMessageContaining("not UTF-8");
        Path big = dir.resolve("big.json");
        Files.writeString(big, "[" + "1,".repeat(100) + "1]");
        assertThatThrownBy(() -> loader.withLimits(new LoadLimits(50, 100, 1000)).load(big))
                .hasMessageContaining("more than the limit");
    }

    @Test
    void largeBenchmarkTemplateLoadsTheSameFromJsonAndYaml() {
        Path bench = Path.of(System.getProperty("gatehouse.shared", "../../shared"), "bench/guard");
        Assumptions.assumeTrue(Files.isDirectory(bench), "shared bench inputs not present");
        Value j = loader.load(bench.resolve("large-5000.json"));
        Value y = loader.load(bench.resolve("large-5000.yaml"));
        assertThat(j).isEqualTo(y);
        assertThat(((MapValue) ((MapValue) j).get("Resources")).size()).isEqualTo(5000);
    }
}
