package gatehouse.pipeline.model;

import gatehouse.core.SourceSpan;
import java.util.List;

/**
 * A stage: steps run in order; the first that fails stops the stage and every later stage.
 *
 * @param environment the environment it acts in (its rules, parameters and secrets apply), or null
 */
public record Stage(String name, SourceSpan at, String environment, List<Step> steps) {
    public Stage {
        steps = List.copyOf(steps);
    }
}
