package gatehouse.pipeline.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A parsed {@code gatehouse.yml}.
 *
 * @param file         the file it was read from
 * @param baseDir      its directory: every relative path in it, and every command, starts here
 * @param secrets      pipeline secrets by name: where each value comes from (an environment variable)
 * @param notification where reports of a stopped run go
 * @param merge        the split-ownership merge section, or null
 * @param secretsFile  the encrypted secrets file ({@code secrets_file}, default .gatehouse/secrets.enc)
 */
public record PipelineSpec(Path file, Path baseDir, String name, Map<String, Environment> environments,
                           Map<String, SecretSource> secrets, Notify notification, List<Stage> stages,
                           gatehouse.pipeline.merge.MergeSpec merge, Path secretsFile) {
    public PipelineSpec {
        environments = Map.copyOf(environments);
        secrets = Map.copyOf(secrets);
        stages = List.copyOf(stages);
    }

    /**
     * Where a secret's value comes from: an environment variable of the process running the pipeline
     * ({@code env}), or an entry of the encrypted secrets file ({@code fileKey}); exactly one is set.
     */
    public record SecretSource(String name, String env, String fileKey) {}

    /**
     * Security is told when a run stops: the run's report is copied into {@code reportsDir} and POSTed to
     * {@code webhook} (signed with HMAC-SHA256 when {@code webhookSecret} names a pipeline secret).
     */
    public record Notify(Path reportsDir, String webhook, String webhookSecret) {
        public static final Notify NONE = new Notify(null, null, null);
    }

    public Stage stage(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
    }
}
