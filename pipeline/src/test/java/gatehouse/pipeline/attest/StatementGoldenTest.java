package gatehouse.pipeline.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statement's exact bytes, with time and ids fixed, against a checked-in golden file; and the field names of
 * in-toto Statement v1 and SLSA Provenance v1 checked one by one. {@code -Dgolden.update=true} rewrites the file
 * and fails, so that the diff gets reviewed.
 */
class StatementGoldenTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden/attest/statement.json");
    static final Instant START = Instant.parse("2025-03-01T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T10:04:30.250Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    Statement statement() throws IOException {
        Path jar = Files.writeString(dir.resolve("app.jar"), "jar bytes");
        Path site = Files.createDirectories(dir.resolve("site"));
        Files.writeString(site.resolve("index.html"), "<p>hi</p>");
        Path lock = Files.writeString(dir.resolve("deps.lock"), "lib 1.2.3\n");
        Provenance p = Provenance.builder("https://ci.example.com/runners/7")
                .externalParameter("workflow", Map.of("ref", "refs/heads/main", "path", "gatehouse.yml"))
                .externalParameter("stage", "build")
                .internalParameter("gatehouseVersion", "0.1.0")
                .resolvedDependency(new ResourceDescriptor(null, "git+https://git.example.com/shop@refs/heads/main",
                        Map.of("gitCommit", "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678")))
                .resolvedDependency(ResourceDescriptor.of(lock))
                .byproduct(new ResourceDescriptor("build.log", null, Map.of("sha256", Digests.sha256("log".getBytes(StandardCharsets.UTF_8)))))
                .invocationId("run-42")
                .startedOn(START)
                .build();
        return Attestor.statement(List.of(jar, site), p, CLOCK);
    }

    @Test
    void statementBytesMatchTheGoldenFile() throws IOException {
        String actual = new String(statement().toJson(), StandardCharsets.UTF_8) + "\n";
        if (Boolean.getBoolean("golden.update")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, actual);
            fail("rewrote " + GOLDEN + ": review the diff, then run again without -Dgolden.update");
        }
        assertThat(actual).isEqualTo(Files.readString(GOLDEN));
    }

    @Test
    void fieldNamesFollowTheSpecifications() throws Exception {
        JsonNode s = Json.MAPPER.readTree(statement().toJson());
        assertThat(s.fieldNames()).toIterable().containsExactly("_type", "subject", "predicateType", "predicate");
        assertThat(s.get("_type").asText()).isEqualTo("https://in-toto.io/Statement/v1");
        assertThat(s.get("predicateType").asText()).isEqualTo("https://slsa.dev/provenance/v1");
        assertThat(s.get("subject").get(0).fieldNames()).toIterable().containsExactly("name", "digest");
        assertThat(s.get("subject").get(1).get("name").asText()).isEqualTo("site/");
        JsonNode def = s.get("predicate").get("buildDefinition");
        assertThat(s.get("predicate").fieldNames()).toIterable().containsExactly("buildDefinition", "runDetails");
        assertThat(def.fieldNames()).toIterable()
                .containsExactly("buildType", "externalParameters", "internalParameters", "resolvedDependencies");
        assertThat(def.get("buildType").asText()).isEqualTo(Provenance.GATEHOUSE_BUILD_TYPE);
        assertThat(def.get("externalParameters").fieldNames()).toIterable().containsExactly("stage", "workflow"); // sorted
        JsonNode run = s.get("predicate").get("runDetails");
        assertThat(run.fieldNames()).toIterable().containsExactly("builder", "metadata", "byproducts");
        assertThat(run.get("builder").get("id").asText()).isEqualTo("https://ci.example.com/runners/7");
        assertThat(run.get("metadata").fieldNames()).toIterable().containsExactly("invocationId", "startedOn", "finishedOn");
        assertThat(run.get("metadata").get("startedOn").asText()).isEqualTo("2025-03-01T10:00:00Z");
        assertThat(run.get("metadata").get("finishedOn").asText()).isEqualTo("2025-03-01T10:04:30.250Z");
        assertThat(run.get("metadata").get("invocationId").asText()).isEqualTo("run-42");
    }

    @Test
    void parsingTheStatementGivesItBack() throws Exception {
        Statement s = statement();
        Statement back = Statement.parse(s.toJson());
        assertThat(back.subjects()).isEqualTo(s.subjects());
        assertThat(back.toJson()).isEqualTo(s.toJson());
    }

    @Test
    void missingRunMetadataComesFromTheClockAndARandomId() throws IOException {
        Path jar = Files.writeString(dir.resolve("a"), "a");
        Provenance bare = Provenance.builder(Provenance.LOCAL_BUILDER_ID).build();
        JsonNode m1 = Json.MAPPER.readTree(Attestor.statement(List.of(jar), bare, CLOCK).toJson()).at("/predicate/runDetails/metadata");
        JsonNode m2 = Json.MAPPER.readTree(Attestor.statement(List.of(jar), bare, CLOCK).toJson()).at("/predicate/runDetails/metadata");
        assertThat(m1.get("startedOn").asText()).isEqualTo(m1.get("finishedOn").asText()).isEqualTo("2025-03-01T10:04:30.250Z");
        assertThat(m1.get("invocationId").asText()).matches("[0-9a-f-]{36}").isNotEqualTo(m2.get("invocationId").asText());
    }

    @Test
    void nonAbsoluteUrisAndNonJsonParametersAreRejected() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Provenance.builder("ci-runner-7").build())
                .hasMessageContaining("builderId must be an absolute URI");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Statement.provenance(List.of(new Subject("a", "0".repeat(64))),
                Provenance.builder(Provenance.LOCAL_BUILDER_ID).externalParameter("when", Instant.EPOCH).build()))
                .hasMessageContaining("JSON-like");
    }
}
