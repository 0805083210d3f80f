package gatehouse.monitor.comply;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.doc.ConfigReader;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Value;
import gatehouse.monitor.action.Action;
import gatehouse.monitor.action.CommandAction;
import gatehouse.monitor.action.LogAction;
import gatehouse.monitor.action.WebhookAction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Per-rule remediation, read from a YAML file (docs/comply.md, "Remediation file"), modelled on AWS Config's
 * {@code RemediationConfiguration}: which rule, what action (a command or a webhook, named under
 * {@code actions:} or written inline), whether it runs automatically, {@code maximumAutomaticAttempts} and
 * {@code retryAttemptSeconds}, and optionally a {@code refresh} command that prints the resource's current
 * configuration for the re-evaluation.
 *
 * <p>Secrets never live in the file: {@code secretEnv} names environment variables whose values are passed to
 * the command (and masked in its output) or used as the webhook's HMAC key.
 */
public record RemediationConfig(List<Remediation> remediations) {
    /** Keys of the file's root. */
    static final Set<String> ROOT_KEYS = Set.of("version", "actions", "remediations");
    static final Set<String> REMEDIATION_KEYS = Set.of("rule", "resourceTypes", "action", "automatic",
            "maximumAutomaticAttempts", "retryAttemptSeconds", "refresh");
    static final Set<String> ACTION_KEYS = Set.of("command", "webhook", "log", "env", "secretEnv", "workDir",
            "timeoutSeconds", "attempts");
    /** AWS Config's bounds: 1–25 attempts, at most 2,678,000 s (31 days); Gatehouse also allows a 0 s window. */
    public static final int MAX_ATTEMPTS = 25;
    public static final long MAX_RETRY_SECONDS = 2_678_000;

    public RemediationConfig {
        remediations = List.copyOf(remediations);
    }

    /**
     * One rule's remediation.
     *
     * @param resourceTypes only these types; empty for all
     * @param automatic     run without being asked (AWS Config's {@code Automatic}; default false)
     * @param maximumAutomaticAttempts attempts before giving up (default 5, as AWS Config)
     * @param retryAttemptSeconds the window the attempts are spread over (default 60, as AWS Config): attempt
     *                      {@code n+1} starts {@code retryAttemptSeconds / maximumAutomaticAttempts} seconds after
     *                      attempt {@code n} failed
     * @param refresh       prints the resource's current configuration as JSON; null: re-read the input file
     * @param line          where the entry is in the file, for messages
     */
    public record Remediation(String rule, List<String> resourceTypes, ActionSpec action, boolean automatic,
                              int maximumAutomaticAttempts, long retryAttemptSeconds, ActionSpec refresh, String file, int line,
                              int column) {
        public Remediation {
            resourceTypes = List.copyOf(resourceTypes);
        }

        public boolean covers(String type) {
            return resourceTypes.isEmpty() || resourceTypes.contains(type);
        }

        /** The wait between attempts. */
        public Duration interval() {
            return Duration.ofMillis(retryAttemptSeconds * 1000 / Math.max(1, maximumAutomaticAttempts));
        }
    }

    /**
     * An action as configured (the secret values are looked up when it is built, not stored).
     *
     * @param kind       command, webhook or log
     * @param command    program and arguments (command)
     * @param url        the URL (webhook)
     * @param env        plain variables for a command
     * @param secretEnv  command: variables passed from the environment and masked; webhook: the one variable
     *                   holding the HMAC key
     * @param timeout    per attempt
     * @param attempts   webhook tries per execution
     */
    public record ActionSpec(String name, String kind, List<String> command, String url, Map<String, String> env,
                             List<String> secretEnv, Path workDir, Duration timeout, int attempts) {
        /**
         * Builds the action.
         *
         * @param environment where {@code secretEnv} values come from
         * @param log         where a log action writes
         * @throws InputException when a secret variable is not set
         */
        public Action build(Function<String, String> environment, Consumer<String> log) {
            return switch (kind) {
                case "command" -> {
                    Map<String, String> all = new LinkedHashMap<>(env);
                    for (String k : secretEnv) {
                        String v = environment.apply(k);
                        if (v == null) {
                            throw new InputException(Diagnostic.of("config", null, "environment variable " + k
                                    + " (secretEnv of action " + name + ") is not set", "export it before running gatehouse comply"));
                        }
                        all.put(k, v);
                    }
                    yield new CommandAction(name, command, all, Set.copyOf(secretEnv), workDir, timeout);
                }
                case "webhook" -> {
                    String key = null;
                    if (!secretEnv.isEmpty()) {
                        key = environment.apply(secretEnv.get(0));
                        if (key == null || key.isEmpty()) {
                            throw new InputException(Diagnostic.of("config", null, "environment variable " + secretEnv.get(0)
                                    + " (the HMAC key of webhook " + name + ") is not set", "export it before running gatehouse comply"));
                        }
                    }
                    WebhookAction.Options d = WebhookAction.Options.defaults();
                    yield new WebhookAction(name, url, key, new WebhookAction.Options(attempts, timeout, d.backoff(),
                            timeout.multipliedBy(attempts).plus(d.backoff().multipliedBy(1L << Math.min(attempts, 10)))));
                }
                default -> new LogAction(name, log);
            };
        }
    }

    /** An empty configuration: nothing is remediated. */
    public static RemediationConfig none() {
        return new RemediationConfig(List.of());
    }

    /**
     * Reads a remediation file.
     *
     * @param file    the name shown in errors
     * @param baseDir what relative {@code workDir}s are resolved against (the file's directory)
     * @param defaultWorkDir where commands without {@code workDir} run (the caller's working directory), so that
     *                the input file names in {@code GATEHOUSE_SOURCE} resolve as the user gave them
     * @param ruleIds the loaded rules: a remediation naming another rule is an error (a typo would otherwise
     *                never remediate anything)
     */
    public static RemediationConfig parse(String file, String text, Path baseDir, Path defaultWorkDir, Set<String> ruleIds) {
        ConfigReader c = new ConfigReader(file, "docs/comply.md");
        Value rootV = YamlTree.parse(file, text);
        MapValue root = c.map(rootV, "the remediation file");
        c.keys(root, ROOT_KEYS);
        if (root.get("version") != null && c.integer(root.get("version"), "version", 1, 1) != 1) {
            throw c.error(root.get("version"), "unsupported version", "version: 1");
        }
        Map<String, ActionSpec> named = new LinkedHashMap<>();
        if (root.get("actions") != null) {
            MapValue actions = c.map(root.get("actions"), "actions");
            actions.entries().forEach((name, v) -> named.put(name, action(c, name, v, baseDir, defaultWorkDir)));
        }
        List<Remediation> out = new ArrayList<>();
        Value list = root.get("remediations");
        if (list == null) {
            throw c.error(root, "the file has no remediations list", "add remediations: [{rule: ..., action: ...}]");
        }
        if (!(list instanceof gatehouse.core.doc.ListValue l)) {
            throw c.error(list, "remediations must be a list", "see docs/comply.md");
        }
        Set<String> seen = new LinkedHashSet<>();
        for (Value ev : l.elements()) {
            MapValue e = c.map(ev, "a remediation");
            c.keys(e, REMEDIATION_KEYS);
            Value ruleV = require(c, e, "rule");
            String rule = c.string(ruleV, "rule");
            if (!ruleIds.contains(rule)) {
                throw c.error(ruleV, "no loaded rule is called " + rule, "rules loaded: " + abbreviate(ruleIds));
            }
            List<String> types = e.get("resourceTypes") == null ? List.of() : c.strings(e.get("resourceTypes"), "resourceTypes");
            if (!seen.add(rule + " " + types)) {
                throw c.error(ruleV, "a second remediation for " + rule, "AWS Config allows one remediation per rule; merge the two");
            }
            Value av = require(c, e, "action");
            ActionSpec action;
            if (av instanceof MapValue) {
                action = action(c, rule, av, baseDir, defaultWorkDir);
            } else {
                String name = c.string(av, "action");
                action = named.get(name);
                if (action == null) {
                    throw c.error(av, "no action called " + name, named.isEmpty() ? "define it under actions:" : "actions: " + String.join(", ", named.keySet()));
                }
            }
            boolean automatic = e.get("automatic") != null && c.bool(e.get("automatic"), "automatic");
            int attempts = e.get("maximumAutomaticAttempts") == null ? 5
                    : (int) c.integer(e.get("maximumAutomaticAttempts"), "maximumAutomaticAttempts", 1, MAX_ATTEMPTS);
            long retry = e.get("retryAttemptSeconds") == null ? 60
                    : c.integer(e.get("retryAttemptSeconds"), "retryAttemptSeconds", 0, MAX_RETRY_SECONDS);
            ActionSpec refresh = null;
            if (e.get("refresh") != null) {
                refresh = action(c, rule + "/refresh", e.get("refresh"), baseDir, defaultWorkDir);
                if (!refresh.kind().equals("command")) {
                    throw c.error(e.get("refresh"), "refresh must be a command", "its standard output is the resource's configuration as JSON");
                }
            }
            out.add(new Remediation(rule, types, action, automatic, attempts, retry, refresh, file,
                    Math.max(1, e.position().line()), e.position().column() + 1));
        }
        return new RemediationConfig(out);
    }

    private static ActionSpec action(ConfigReader c, String name, Value v, Path baseDir, Path defaultWorkDir) {
        MapValue m = c.map(v, "an action");
        c.keys(m, ACTION_KEYS);
        int kinds = (m.get("command") != null ? 1 : 0) + (m.get("webhook") != null ? 1 : 0) + (m.get("log") != null ? 1 : 0);
        if (kinds != 1) {
            throw c.error(m, "an action needs exactly one of command, webhook or log", "e.g. command: [sh, fix.sh]");
        }
        Duration timeout = Duration.ofSeconds(m.get("timeoutSeconds") == null ? 60
                : c.integer(m.get("timeoutSeconds"), "timeoutSeconds", 1, 3600));
        List<String> secretEnv = m.get("secretEnv") == null ? List.of() : c.strings(m.get("secretEnv"), "secretEnv");
        Map<String, String> env = new LinkedHashMap<>();
        if (m.get("env") != null) {
            MapValue em = c.map(m.get("env"), "env");
            em.entries().forEach((k, x) -> env.put(k, c.string(x, "env " + k)));
        }
        Path workDir = m.get("workDir") == null ? defaultWorkDir : baseDir.resolve(c.string(m.get("workDir"), "workDir"));
        int attempts = m.get("attempts") == null ? 3 : (int) c.integer(m.get("attempts"), "attempts", 1, 10);
        if (m.get("command") != null) {
            List<String> argv = c.strings(m.get("command"), "command");
            if (argv.isEmpty() || argv.get(0).isBlank()) {
                throw c.error(m.get("command"), "command needs a program", "e.g. command: [sh, fix.sh]");
            }
            return new ActionSpec(name, "command", argv, null, env, secretEnv, workDir, timeout, 1);
        }
        if (m.get("webhook") != null) {
            String url = c.string(m.get("webhook"), "webhook");
            if (!(url.startsWith("http://") || url.startsWith("https://"))) {
                throw c.error(m.get("webhook"), "webhook must be an http:// or https:// URL", null);
            }
            if (secretEnv.size() > 1) {
                throw c.error(m.get("secretEnv"), "a webhook takes one secretEnv: the variable holding its HMAC key", null);
            }
            return new ActionSpec(name, "webhook", List.of(), url, Map.of(), secretEnv, null,
                    m.get("timeoutSeconds") == null ? Duration.ofSeconds(5) : timeout, attempts);
        }
        c.bool(m.get("log"), "log");
        return new ActionSpec(name, "log", List.of(), null, Map.of(), List.of(), null, timeout, 1);
    }

    private static Value require(ConfigReader c, MapValue m, String key) {
        Value v = m.get(key);
        if (v == null) {
            throw c.error(m, "missing key " + key, "see docs/comply.md, Remediation file");
        }
        return v;
    }

    private static String abbreviate(Set<String> ids) {
        List<String> l = new ArrayList<>(ids);
        return l.size() <= 8 ? String.join(", ", l) : String.join(", ", l.subList(0, 8)) + ", … (" + l.size() + ")";
    }
}
