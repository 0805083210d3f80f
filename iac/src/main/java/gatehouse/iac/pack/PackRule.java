package gatehouse.iac.pack;

import gatehouse.core.finding.Rule;
import gatehouse.guard.ast.RulesFile;
import java.util.List;

/**
 * A policy rule as {@code gatehouse scan} runs it: its report metadata, the Guard file it lives in and the
 * Guard rule names whose failures are its findings (the header's {@code @rule}, or every top-level rule of a
 * user file without a header, one {@code PackRule} each).
 *
 * @param source where the file came from: {@code builtin:<path>} or a file path
 * @param config the {@code .gatehouse.yml} parameters the rule reads
 */
public record PackRule(Rule rule, String guardRule, RulesFile file, String source, List<String> config,
                       List<String> resourceTypes) {
    public PackRule {
        config = List.copyOf(config);
        resourceTypes = List.copyOf(resourceTypes);
    }

    public String id() {
        return rule.id();
    }

    public PackRule withRule(Rule r) {
        return new PackRule(r, guardRule, file, source, config, resourceTypes);
    }
}
