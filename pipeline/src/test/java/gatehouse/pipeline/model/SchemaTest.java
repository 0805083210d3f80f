package gatehouse.pipeline.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The published JSON Schema (for editors) agrees with the loader: the documented example is valid under both,
 * and what the loader rejects for its shape the schema rejects too.
 */
class SchemaTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path DOC = Path.of("../docs/pipeline.md");

    static JsonSchema schema() throws IOException {
        try (InputStream in = PipelineLoader.class.getResourceAsStream("/gatehouse/pipeline/gatehouse.schema.json")) {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
        }
    }

    static JsonNode yaml(String text) {
        return JSON.valueToTree(new Load(LoadSettings.builder().build()).loadFromString(text));
    }

    @Test
    void theDocumentedExampleIsValidForSchemaAndLoader(@TempDir Path dir) throws IOException {
        Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
        assertThat(m.find()).isTrue();
        String example = m.group(1);
        assertThat(schema().validate(yaml(example))).isEmpty();
        Files.writeString(dir.resolve("gatehouse.yml"), example);
        assertThat(PipelineLoader.load(dir.resolve("gatehouse.yml")).stages()).hasSize(3);
    }

    /** The seed demo (README's first command) uses every step kind: the schema must take it as the loader does. */
    @Test
    void theSeedDemoPipelineIsValidForSchemaAndLoader() throws IOException {
        Path demo = Path.of("../examples/seed-demo/gatehouse.yml");
        assertThat(schema().validate(yaml(Files.readString(demo)))).isEmpty();
        assertThat(PipelineLoader.load(demo).stages()).extracting(gatehouse.pipeline.model.Stage::name)
                .containsExactly("source", "build", "test", "prod");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "version: 2\nstages: [{name: a, steps: [{run: x}]}]",
            "version: 1\nstages: []",
            "version: 1\nstagez: [{name: a, steps: [{run: x}]}]",
            "version: 1\nstages: [{name: a, steps: [{gate: dast}]}]",
            "version: 1\nstages: [{name: a, steps: [{run: x, gate: policy}]}]",
            "version: 1\nstages: [{name: a, steps: [{run: x, timeout: 0}]}]",
            "version: 1\nstages: [{name: 'a b', steps: [{run: x}]}]",
            "version: 1\nnotify: {webhook: ftp://x}\nstages: [{name: a, steps: [{run: x}]}]",
            "version: 1\nsecrets: {X: {value: plain}}\nstages: [{name: a, steps: [{run: x}]}]"})
    void whatTheLoaderRejectsTheSchemaRejects(String text, @TempDir Path dir) throws IOException {
        assertThat(schema().validate(yaml(text))).isNotEmpty();
        Files.writeString(dir.resolve("gatehouse.yml"), text);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PipelineLoader.load(dir.resolve("gatehouse.yml")))
                .isInstanceOf(gatehouse.core.InputException.class);
    }
}
