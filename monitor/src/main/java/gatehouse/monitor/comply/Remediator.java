package gatehouse.monitor.comply;

import gatehouse.audit.AuditLog;
import gatehouse.monitor.action.Action;
import gatehouse.monitor.action.ActionEvent;
import gatehouse.monitor.action.ActionResult;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs the configured remediation for each NON_COMPLIANT resource and re-evaluates it, like AWS Config's
 * remediation with {@code Automatic}, {@code MaximumAutomaticAttempts} and {@code RetryAttemptSeconds}.
 *
 * <p>For each (rule, resource) that is NON_COMPLIANT and has a remediation covering its type:
 * <ul>
 *   <li>not automatic and not requested ({@link Mode#AUTOMATIC}): MANUAL, nothing runs;</li>
 *   <li>{@link Mode#NONE} (dry run): automatic ones are NOT_RUN, manual ones MANUAL;</li>
 *   <li>otherwise attempt 1 runs at once: the action, then (if it succeeded) the re-evaluation: the resource's
 *       current configuration (the {@code refresh} command's output, else the input file read again) evaluated
 *       with the same rule. COMPLIANT or NOT_APPLICABLE (e.g. deleted) ends it as REMEDIATED. Otherwise the next
 *       attempt follows after {@link RemediationConfig.Remediation#interval()}, up to
 *       {@code maximumAutomaticAttempts}; then FAILED.</li>
 * </ul>
 * Every attempt and every final result is appended to the audit log before the next step starts:
 * {@code comply.remediation.attempt} (result {@code ok} / {@code failed} / {@code still NON_COMPLIANT}) and
 * {@code comply.remediation} (result the final status).
 */
public final class Remediator {
    /** Which remediations run. */
    public enum Mode {
        /** Only those marked {@code automatic: true}. */
        AUTOMATIC,
        /** Manual ones too: a person asked for them (Config's StartRemediationExecution). */
        ALL,
        /** None: report what would run. */
        NONE
    }

    /** Re-reads one resource's current configuration; returns null when it no longer exists. */
    public interface Refresher {
        ConfigResource current(ConfigResource resource, RemediationConfig.Remediation remediation, ActionEvent event);
    }

    /** Waits between attempts (tests may substitute a recording one; the CLI sleeps). */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final Compliance compliance;
    private final Map<String, ComplianceRule> rules = new LinkedHashMap<>();
    private final RemediationConfig config;
    private final Map<RemediationConfig.Remediation, Action> actions;
    private final AuditLog audit;
    private final String actor;
    private final Refresher refresher;
    private final Sleeper sleeper;
    private final Clock clock;
    private final java.util.function.Function<String, String> sourceFile;

    /**
     * @param actions    the built action of each remediation ({@link RemediationConfig.ActionSpec#build})
     * @param sourceFile an input's name to the file's absolute path, for {@code GATEHOUSE_SOURCE}
     */
    public Remediator(Compliance compliance, RemediationConfig config, Map<RemediationConfig.Remediation, Action> actions,
                      AuditLog audit, String actor, Refresher refresher, Sleeper sleeper, Clock clock,
                      java.util.function.Function<String, String> sourceFile) {
        this.sourceFile = sourceFile;
        this.compliance = compliance;
        compliance.rules().forEach(r -> rules.put(r.id(), r));
        this.config = config;
        this.actions = Map.copyOf(actions);
        this.audit = Objects.requireNonNull(audit, "audit");
        this.actor = actor;
        this.refresher = refresher;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /** Remediates what the report found non-compliant and returns the report with the outcomes applied. */
    public ComplianceReport remediate(ComplianceReport report, List<ConfigResource> resources, Mode mode) throws InterruptedException {
        Map<String, ConfigResource> byKey = new LinkedHashMap<>();
        resources.forEach(r -> byKey.putIfAbsent(r.key(), r));
        List<RemediationOutcome> outcomes = new ArrayList<>();
        for (RuleCompliance rc : report.rules()) {
            for (ResourceEvaluation e : rc.evaluations()) {
                if (e.compliance() != ComplianceType.NON_COMPLIANT) {
                    continue;
                }
                for (RemediationConfig.Remediation rem : config.remediations()) {
                    if (!rem.rule().equals(rc.rule()) || !rem.covers(e.resourceType())) {
                        continue;
                    }
                    ConfigResource res = byKey.get(e.resourceType() + "/" + e.resourceId());
                    outcomes.add(run(rem, rules.get(rc.rule()), e, res, mode));
                }
            }
        }
        return report.withRemediations(outcomes);
    }

    private RemediationOutcome run(RemediationConfig.Remediation rem, ComplianceRule rule, ResourceEvaluation before,
                                   ConfigResource res, Mode mode) throws InterruptedException {
        Action action = actions.get(rem);
        String actionName = action.target().equals(action.type()) ? action.type() : action.type() + " " + action.target();
        String subject = rem.rule() + " " + before.resourceType() + "/" + before.resourceId();
        boolean runIt = mode == Mode.ALL || mode == Mode.AUTOMATIC && rem.automatic();
        if (!runIt || res == null) {
            RemediationOutcome.Status s = rem.automatic() && mode == Mode.NONE ? RemediationOutcome.Status.NOT_RUN
                    : RemediationOutcome.Status.MANUAL;
            audit.append(actor, "comply.remediation", subject, s.name(), details(rem, before, action, Map.of(
                    "reason", s == RemediationOutcome.Status.MANUAL ? "manual remediation: run with --remediate=all to execute" : "remediation disabled for this run")));
            return new RemediationOutcome(rem.rule(), before.resourceType(), before.resourceId(), actionName, s, List.of(), null);
        }
        List<String> attempts = new ArrayList<>();
        ResourceEvaluation after = null;
        RemediationOutcome.Status status = RemediationOutcome.Status.FAILED;
        for (int n = 1; n <= rem.maximumAutomaticAttempts(); n++) {
            if (n > 1) {
                sleeper.sleep(rem.interval());
            }
            ActionEvent event = event(rule, rem, before, res, n);
            ActionResult r = action.execute(event);
            String line;
            String result;
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("attempt", n);
            extra.put("maximumAutomaticAttempts", rem.maximumAutomaticAttempts());
            extra.put("outcome", r.outcome());
            extra.put("elapsedMs", r.elapsed().toMillis());
            if (!r.output().isBlank()) {
                String o = r.output().strip();
                extra.put("output", o.length() > 400 ? o.substring(0, 400) + "…" : o);
            }
            if (r.ok()) {
                ConfigResource now = refresher.current(res, rem, event);
                after = now == null
                        ? before.with(ComplianceType.NOT_APPLICABLE, "resource no longer present after remediation")
                        : compliance.evaluate(rule, now);
                extra.put("complianceAfter", after.compliance().name());
                if (after.compliance() == ComplianceType.NON_COMPLIANT) {
                    result = "still NON_COMPLIANT";
                    line = r.outcome() + ", still NON_COMPLIANT";
                } else {
                    result = "ok";
                    line = r.outcome() + ", " + after.compliance();
                    status = RemediationOutcome.Status.REMEDIATED;
                }
            } else {
                result = "failed";
                line = r.outcome();
            }
            audit.append(actor, "comply.remediation.attempt", subject, result, details(rem, before, action, extra));
            attempts.add(line);
            if (status == RemediationOutcome.Status.REMEDIATED) {
                break;
            }
        }
        Map<String, Object> fin = new LinkedHashMap<>();
        fin.put("attempts", attempts.size());
        fin.put("complianceAfter", after == null ? null : after.compliance().name());
        audit.append(actor, "comply.remediation", subject, status.name(), details(rem, before, action, fin));
        if (after != null) {
            after = new ResourceEvaluation(before.resourceType(), before.resourceId(), before.region(), before.account(),
                    after.compliance(), status == RemediationOutcome.Status.REMEDIATED ? "remediated: " + after.compliance()
                    + (after.annotation().isEmpty() ? "" : " (" + after.annotation() + ")") : after.annotation(),
                    before.source(), before.line());
        }
        return new RemediationOutcome(rem.rule(), before.resourceType(), before.resourceId(), actionName, status, attempts, after);
    }

    private ActionEvent event(ComplianceRule rule, RemediationConfig.Remediation rem, ResourceEvaluation e, ConfigResource res, int attempt) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("rule", rem.rule());
        d.put("resourceType", e.resourceType());
        d.put("resourceId", e.resourceId());
        d.put("region", e.region());
        d.put("account", e.account());
        d.put("arn", res.arn());
        d.put("source", sourceFile.apply(res.source()));
        d.put("attempt", attempt);
        d.put("maximumAutomaticAttempts", rem.maximumAutomaticAttempts());
        d.put("annotation", e.annotation());
        return new ActionEvent("comply.remediation", rem.rule() + "/" + e.resourceType() + "/" + e.resourceId(),
                e.resourceType() + "/" + e.resourceId(), "remediating " + rule.id() + " on " + e.resourceType() + " " + e.resourceId()
                + (e.annotation().isEmpty() ? "" : ": " + e.annotation()), d, clock.instant());
    }

    private static Map<String, Object> details(RemediationConfig.Remediation rem, ResourceEvaluation e, Action action, Map<String, ?> extra) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("rule", rem.rule());
        d.put("resourceType", e.resourceType());
        d.put("resourceId", e.resourceId());
        d.put("region", e.region());
        d.put("account", e.account());
        d.put("action", action.type());
        d.put("target", action.target());
        d.put("automatic", rem.automatic());
        d.putAll(extra);
        return d;
    }

    /**
     * The default refresher: runs the remediation's {@code refresh} command (its output is the configuration) or,
     * without one, reads the resource's input file again; then finds the resource by type and id.
     *
     * @param reader reads a file's text (the CLI resolves relative paths)
     * @param refreshActions the built refresh command of each remediation that has one
     */
    public static Refresher defaultRefresher(java.util.function.Function<String, String> reader,
                                             Map<RemediationConfig.Remediation, Action> refreshActions) {
        return (res, rem, event) -> {
            String source;
            String text;
            Action refresh = refreshActions.get(rem);
            if (refresh != null) {
                ActionResult r = refresh.execute(event);
                if (!r.ok()) {
                    throw new gatehouse.core.InputException(gatehouse.core.Diagnostic.of("remediation_refresh", null,
                            "the refresh command of " + rem.rule() + " failed: " + r.outcome(), "it must print the resource's configuration as JSON and exit 0"));
                }
                source = "refresh of " + rem.rule();
                text = r.output();
            } else {
                source = res.source();
                text = reader.apply(res.source());
            }
            List<ConfigResource> now = ConfigInput.read(source, text);
            for (ConfigResource c : now) {
                if (c.type().equals(res.type()) && c.id().equals(res.id())) {
                    return c;
                }
            }
            return refresh != null && now.size() == 1 ? now.get(0) : null;
        };
    }

    /** Each remediation's built action and, where configured, its built refresh command. */
    public record Built(Map<RemediationConfig.Remediation, Action> actions, Map<RemediationConfig.Remediation, Action> refresh) {}

    /** Builds each remediation's action and refresh command (secrets read from {@code env}). */
    public static Built build(RemediationConfig config, java.util.function.Function<String, String> env,
                              java.util.function.Consumer<String> log) {
        Map<RemediationConfig.Remediation, Action> acts = new LinkedHashMap<>();
        Map<RemediationConfig.Remediation, Action> refresh = new LinkedHashMap<>();
        for (RemediationConfig.Remediation r : config.remediations()) {
            acts.put(r, r.action().build(env, log));
            if (r.refresh() != null) {
                refresh.put(r, r.refresh().build(env, log));
            }
        }
        return new Built(acts, refresh);
    }
}
