package gatehouse.monitor.comply;

import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Value;
import gatehouse.guard.ast.RulesFile;
import gatehouse.guard.eval.ClauseFailure;
import gatehouse.guard.eval.Evaluator;
import gatehouse.guard.eval.FileEvaluation;
import gatehouse.guard.eval.PreparedDocument;
import gatehouse.guard.eval.RuleResult;
import gatehouse.guard.eval.Status;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates Config-style rules over resource configurations: each rule on each resource separately (its
 * {@link GuardView#document}), as AWS Config evaluates a configuration-change rule per configuration item;
 * account-level rules once per account over all its resources. Guard PASS / FAIL / SKIP become COMPLIANT /
 * NON_COMPLIANT / NOT_APPLICABLE (see {@link ComplianceType}); deleted resources are NOT_APPLICABLE without
 * evaluation, and resources of types outside a rule's {@code @resource} list are not listed for it at all.
 *
 * <p>Immutable and thread-safe. A rule file is evaluated once per resource however many of its rules are used.
 */
public final class Compliance {
    private final Evaluator evaluator;
    private final List<ComplianceRule> rules;
    private final Map<String, Value> parameters;

    /** @param parameters rule parameters, seen by Guard under {@code Gatehouse} (see {@link GuardView}) */
    public Compliance(Evaluator evaluator, List<ComplianceRule> rules, Map<String, Value> parameters) {
        this.evaluator = evaluator;
        this.rules = List.copyOf(rules);
        this.parameters = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public List<ComplianceRule> rules() {
        return rules;
    }

    /**
     * The compliance table over {@code resources}, rules in the order given.
     *
     * @throws gatehouse.guard.eval.GuardEvaluationException when a rule cannot be evaluated (a rule-file error)
     */
    public ComplianceReport evaluate(List<ConfigResource> resources, List<String> inputs) {
        Map<String, List<ResourceEvaluation>> byRule = new LinkedHashMap<>();
        rules.forEach(r -> byRule.put(r.id(), new ArrayList<>()));
        for (ConfigResource res : resources) {
            Map<RulesFile, FileEvaluation> cache = new IdentityHashMap<>();
            PreparedDocument[] doc = new PreparedDocument[1];
            for (ComplianceRule rule : rules) {
                if (rule.accountLevel() || !rule.covers(res.type())) {
                    continue; // out of the rule's scope: not listed, as Config lists only resources in scope
                }
                byRule.get(rule.id()).add(evaluate(rule, res, cache, doc));
            }
        }
        Map<String, List<ConfigResource>> byAccount = accounts(resources);
        for (ComplianceRule rule : rules) {
            if (!rule.accountLevel()) {
                continue;
            }
            for (Map.Entry<String, List<ConfigResource>> a : byAccount.entrySet()) {
                MapValue d = GuardView.accountDocument(a.getKey(), a.getValue(), parameters);
                FileEvaluation fe = evaluator.evaluate(rule.file(), d);
                ConfigResource first = a.getValue().get(0);
                byRule.get(rule.id()).add(verdict(rule, fe, ComplianceRule.ACCOUNT, a.getKey().isEmpty() ? "unknown-account" : a.getKey(),
                        first.region(), a.getKey(), first.source(), 0));
            }
        }
        List<RuleCompliance> rows = new ArrayList<>();
        for (ComplianceRule rule : rules) {
            rows.add(new RuleCompliance(rule.id(), rule.title(), byRule.get(rule.id())));
        }
        return new ComplianceReport(rows, resources.size(), inputs, List.of());
    }

    /**
     * Resources by account, deleted ones left out. Resources whose input names no account (describe outputs
     * often do not) belong to the only named account when there is exactly one, else to an account of their own
     * ("").
     */
    static Map<String, List<ConfigResource>> accounts(List<ConfigResource> resources) {
        java.util.Set<String> named = new java.util.LinkedHashSet<>();
        resources.forEach(r -> {
            if (!r.account().isEmpty()) {
                named.add(r.account());
            }
        });
        String orphanHome = named.size() == 1 ? named.iterator().next() : "";
        Map<String, List<ConfigResource>> out = new LinkedHashMap<>();
        for (ConfigResource r : resources) {
            if (!r.deleted()) {
                out.computeIfAbsent(r.account().isEmpty() ? orphanHome : r.account(), k -> new ArrayList<>()).add(r);
            }
        }
        return out;
    }

    /** One rule on one resource (for re-evaluation after a remediation). */
    public ResourceEvaluation evaluate(ComplianceRule rule, ConfigResource res) {
        return evaluate(rule, res, new IdentityHashMap<>(), new PreparedDocument[1]);
    }

    private ResourceEvaluation evaluate(ComplianceRule rule, ConfigResource res, Map<RulesFile, FileEvaluation> cache,
                                        PreparedDocument[] doc) {
        ResourceEvaluation base = new ResourceEvaluation(res.type(), res.id(), res.region(), res.account(),
                ComplianceType.NOT_APPLICABLE, "", res.source(), res.position().line());
        if (res.deleted()) {
            return base.with(ComplianceType.NOT_APPLICABLE, "resource deleted (" + res.status() + ")");
        }
        if (!rule.covers(res.type())) {
            return base.with(ComplianceType.NOT_APPLICABLE, "resource type not in the rule's scope");
        }
        FileEvaluation fe = cache.computeIfAbsent(rule.file(), f -> {
            if (doc[0] == null) {
                doc[0] = evaluator.prepare(GuardView.document(res, parameters));
            }
            return evaluator.evaluate(f, doc[0]);
        });
        return verdict(rule, fe, res.type(), res.id(), res.region(), res.account(), res.source(), res.position().line());
    }

    private static ResourceEvaluation verdict(ComplianceRule rule, FileEvaluation fe, String type, String id, String region,
                                              String account, String source, int line) {
        Status s = fe.statusByName().getOrDefault(rule.guardRule(), Status.SKIP);
        ComplianceType c = switch (s) {
            case PASS -> ComplianceType.COMPLIANT;
            case FAIL -> ComplianceType.NON_COMPLIANT;
            // a rule that names its resource types has this resource in scope: no clause applied, so nothing is
            // violated (Config's COMPLIANT). Without types, Guard's SKIP is all we know: not applicable.
            case SKIP -> rule.resourceTypes().isEmpty() ? ComplianceType.NOT_APPLICABLE : ComplianceType.COMPLIANT;
        };
        String why = "";
        if (c == ComplianceType.NON_COMPLIANT) {
            why = annotation(fe, rule.guardRule());
        }
        return new ResourceEvaluation(type, id, region, account, c, why, source, line);
    }

    /** The first failing clause's own message (its first non-blank line) if any clause has one, else Guard's reason. */
    static String annotation(FileEvaluation fe, String guardRule) {
        String reason = null;
        for (RuleResult r : fe.rules()) {
            if (!r.name().equals(guardRule) || r.status() != Status.FAIL) {
                continue;
            }
            for (ClauseFailure f : r.failures()) {
                String m = f.customMessage();
                if (m != null) {
                    for (String line : m.split("\n")) {
                        if (!line.isBlank()) {
                            return line.strip();
                        }
                    }
                }
                if (reason == null && f.reason() != null && !f.reason().isBlank()) {
                    reason = f.reason().strip();
                }
            }
        }
        return reason != null ? reason : "rule " + guardRule + " failed";
    }
}
