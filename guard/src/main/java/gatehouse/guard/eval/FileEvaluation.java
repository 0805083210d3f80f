package gatehouse.guard.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one rule file on one document.
 *
 * @param ruleFile the rule file's name
 * @param status   FAIL if any rule failed, else PASS if any passed, else SKIP
 * @param rules    one result per rule block, in file order (names may repeat)
 */
public record FileEvaluation(String ruleFile, Status status, List<RuleResult> rules) {
    public FileEvaluation {
        rules = List.copyOf(rules);
    }

    /**
     * Status by rule name, combining blocks that share a name as cfn-guard does: the first status that is
     * not SKIP, in file order; SKIP when all are SKIP. Iteration follows first appearance.
     */
    public Map<String, Status> statusByName() {
        Map<String, Status> out = new LinkedHashMap<>();
        for (RuleResult r : rules) {
            Status s = out.get(r.name());
            if (s == null || s == Status.SKIP) {
                out.put(r.name(), r.status());
            }
        }
        return out;
    }

    /** Every failure of every rule, in file order. */
    public List<ClauseFailure> failures() {
        List<ClauseFailure> out = new ArrayList<>();
        rules.forEach(r -> out.addAll(r.failures()));
        return out;
    }
}
