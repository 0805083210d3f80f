package gatehouse.pipeline.model;

import java.nio.file.Path;
import java.util.List;

/**
 * A place a change is deployed to, with its own rules, parameters and secrets.
 *
 * @param production  holds production data: stages of other environments may not use its secrets
 * @param protectedEnv deploys only from the pipeline's identity; people may only approve
 * @param parameters  a CloudFormation parameter file for this environment's policy gates, or null
 * @param rules       extra Guard rule files or directories for this environment's policy gates
 * @param secrets     the pipeline secrets that belong to this environment
 * @param identity    public keys of the pipeline identities whose attestations this environment accepts
 */
public record Environment(String name, boolean production, boolean protectedEnv, Path parameters, List<Path> rules,
                          List<String> secrets, List<Path> identity) {
    public Environment {
        rules = List.copyOf(rules);
        secrets = List.copyOf(secrets);
        identity = List.copyOf(identity);
    }
}
