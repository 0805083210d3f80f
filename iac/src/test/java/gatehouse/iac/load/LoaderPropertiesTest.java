package gatehouse.iac.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import gatehouse.core.TreeWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties and a fuzz target for the loaders. */
class LoaderPropertiesTest {
    private final DocumentLoader loader = DocumentLoader.defaults();

    /** A tree written as JSON and as YAML loads back to the same value either way. */
    @Property(tries = 200)
    void jsonAndYamlRoundTripToEqualTrees(@ForAll("trees") Object tree) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("root", tree);
        assertThat(loader.load("t.json", TreeWriter.json(doc))).isEqualTo(loader.load("t.yaml", TreeWriter.yaml(doc)));
    }

    @Provide
    Arbitrary<Object> trees() {
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(6).map(s -> (Object) s),
                Arbitraries.longs().between(-1000, 1000).map(l -> (Object) l),
                Arbitraries.of(true, false).map(b -> (Object) b),
                Arbitraries.of("true", "1", "null", "a: b", "- x", "#c", "", " lead").map(s -> (Object) s));
        return Arbitraries.recursive(() -> scalar, inner -> Arbitraries.oneOf(
                inner.list().ofMaxSize(4).map(l -> (Object) List.copyOf(l)),
                Arbitraries.maps(Arbitraries.strings().withCharRange('a', 'f').ofMinLength(1).ofMaxLength(3), inner)
                        .ofMaxSize(4).map(m -> (Object) new LinkedHashMap<>(m))), 3);
    }

    /** Arbitrary text loads or fails with a LoadException carrying a position; nothing else escapes. */
    @Property(tries = 500)
    void arbitraryTextFailsOnlyWithLoadException(@ForAll("texts") String text) {
        try {
            loader.load("any.yaml", text);
        } catch (LoadException e) {
            assertThat(e.first().span()).isNotNull();
        }
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.of("{", "}", "[", "]", ":", "- ", "\n", "  ", "&a ", "*a", "!Ref ", "<<: ", "'", "\"", "a", "1",
                "#", ",", "? ", "|", ">", "%YAML 1.2\n", "---\n", "...\n", "~", "\t").list().ofMaxSize(30)
                .map(l -> String.join("", l));
    }

    /** Jazzer fuzz target; replays its seeds under plain mvn test. */
    @FuzzTest(maxDuration = "30s")
    void fuzzLoad(byte[] data) {
        try {
            loader.load("fuzz.yaml", new String(data, java.nio.charset.StandardCharsets.UTF_8));
        } catch (LoadException expected) {
            // a clean diagnostic is the only acceptable failure
        }
    }
}
