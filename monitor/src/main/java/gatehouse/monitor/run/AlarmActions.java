package gatehouse.monitor.run;

import gatehouse.audit.AuditLog;
import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.core.doc.ConfigReader;
import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.Value;
import gatehouse.monitor.action.Action;
import gatehouse.monitor.action.ActionAudit;
import gatehouse.monitor.action.ActionEvent;
import gatehouse.monitor.action.ActionResult;
import gatehouse.monitor.action.CommandAction;
import gatehouse.monitor.action.Dispatcher;
import gatehouse.monitor.action.WebhookAction;
import gatehouse.monitor.alarm.AlarmListener;
import gatehouse.monitor.alarm.AlarmState;
import gatehouse.monitor.alarm.Datapoint;
import gatehouse.monitor.alarm.Transition;
import gatehouse.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The {@code webhook} and {@code command} alarm actions of {@code gatehouse monitor run}: each configured entry becomes
 * a {@link gatehouse.monitor.action.WebhookAction} or {@link gatehouse.monitor.action.CommandAction} behind its own
 * {@link Dispatcher}, so that an alarm storm is de-duplicated (same alarm entering the same state within the window is
 * one notification) and rate-limited (token bucket per action), and every execution is audited
 * ({@code action.webhook} / {@code action.command}).
 *
 * <p><b>Why the listener waits.</b> The runner marks a transition delivered when its listeners return; the dispatcher
 * runs actions on a worker. To keep at-least-once delivery the listener waits for the execution it queued (bounded by
 * the action's own timeouts). A failed execution (after the webhook's retries, or a command's non-zero exit) is
 * reported as the runner's warning and audited as failed, and the transition still counts as delivered: redelivering
 * on every restart would not make a dead receiver live, and the audit log keeps the failure. A suppressed notification
 * (duplicate or rate-limited) also counts as delivered; the suppressions are summarised at {@link #close()}.
 *
 * <p>Secrets never come from the file: {@code secretEnv} names environment variables read when the action is made.
 * Not thread-safe (one run at a time); close it after the run.
 */
public final class AlarmActions implements AutoCloseable {
    /** The action types this class makes. */
    public static final Set<String> TYPES = Set.of("webhook", "command");
    static final Set<String> WEBHOOK_KEYS = Set.of("type", "name", "on", "url", "secretEnv", "timeout", "retries");
    static final Set<String> COMMAND_KEYS = Set.of("type", "name", "on", "command", "env", "secretEnv", "timeout");
    private static final String DOCS = "docs/alarms.md (Actions)";
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Duration WAIT_MARGIN = Duration.ofSeconds(10);

    private final Store store;
    private final Function<String, String> environment;
    private final Clock clock;
    private final List<Dispatcher> dispatchers = new ArrayList<>();
    private AuditLog auditLog;
    private ActionAudit audit;

    /**
     * @param store where executions are audited
     * @param environment where {@code secretEnv} values come from ({@code System::getenv})
     * @param clock processing time for the dispatchers' window and buckets
     */
    public AlarmActions(Store store, Function<String, String> environment, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The factories of {@link #TYPES}, to register with a {@link MonitorRunner} next to {@code log}. */
    public Map<String, ActionFactory> factories() {
        return Map.of("webhook", this::webhook, "command", this::command);
    }

    /** What every dispatcher did so far, summed: executions, failures, duplicates, rate-limited. */
    public Dispatcher.Stats stats() {
        long[] s = new long[6];
        for (Dispatcher d : dispatchers) {
            Dispatcher.Stats x = d.stats();
            s[0] += x.received();
            s[1] += x.executed();
            s[2] += x.failed();
            s[3] += x.duplicates();
            s[4] += x.rateLimited();
            s[5] += x.queueFull();
        }
        return new Dispatcher.Stats(s[0], s[1], s[2], s[3], s[4], s[5]);
    }

    /** The event an alarm transition becomes: kind {@code alarm.transition}, key {@code alarm/NAME/STATE}. */
    public static ActionEvent event(Transition t) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("alarm", t.alarm());
        d.put("transitionId", t.id());
        d.put("seq", t.seq());
        d.put("oldState", t.oldState().name());
        d.put("newState", t.newState().name());
        d.put("reason", t.reason());
        d.put("threshold", t.threshold());
        List<Map<String, Object>> points = new ArrayList<>();
        for (Datapoint p : t.datapoints()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start", p.start().toString());
            m.put("value", p.isMissing() ? null : p.value());
            points.add(m);
        }
        d.put("datapoints", points);
        return new ActionEvent("alarm.transition", "alarm/" + t.alarm() + "/" + t.newState().name(), t.alarm(),
                t.alarm() + ": " + t.oldState() + " -> " + t.newState() + ": " + t.reason(), d, t.timestamp());
    }

    private AlarmListener webhook(MonitorConfig.ActionSpec spec) {
        ConfigReader r = new ConfigReader(spec.file(), DOCS);
        MapValue m = entry(r, spec, WEBHOOK_KEYS);
        Value urlValue = m.get("url");
        if (urlValue == null) {
            throw r.error(m, "a webhook action has no url", "add url: https://… (the secret goes in secretEnv, not in the URL)");
        }
        String url = r.string(urlValue, "url");
        String secret = null;
        if (m.get("secretEnv") != null) {
            secret = secretValue(r, m.get("secretEnv"), "the HMAC key of this webhook");
        }
        int timeout = m.get("timeout") == null ? 5
                : whole(r, m.get("timeout"), "timeout", 1, 300, "seconds per attempt, e.g. timeout: 5");
        int retries = m.get("retries") == null ? 2
                : whole(r, m.get("retries"), "retries", 0, 10, "attempts after the first, e.g. retries: 2");
        Duration backoff = Duration.ofMillis(500);
        Duration perAttempt = Duration.ofSeconds(timeout);
        Duration deadline = perAttempt.multipliedBy(retries + 1L).plus(backoff.multipliedBy((1L << retries) - 1));
        WebhookAction action;
        try {
            action = new WebhookAction(name(r, spec, m), url, secret,
                    new WebhookAction.Options(retries + 1, perAttempt, backoff, deadline));
        } catch (IllegalArgumentException e) {
            throw r.error(urlValue, e.getMessage(), "e.g. url: https://hooks.example.com/gatehouse");
        }
        return listener(spec, r, m, action, deadline);
    }

    private AlarmListener command(MonitorConfig.ActionSpec spec) {
        ConfigReader r = new ConfigReader(spec.file(), DOCS);
        MapValue m = entry(r, spec, COMMAND_KEYS);
        Value cmd = m.get("command");
        if (cmd == null) {
            throw r.error(m, "a command action has no command", "add command: [program, arg, …] (run without a shell)");
        }
        if (!(cmd instanceof ListValue l) || l.elements().isEmpty()) {
            throw r.error(cmd, "command must be a non-empty list: the program and its arguments",
                    "e.g. command: [/usr/local/bin/page, --team, security]; for a shell write [sh, -c, '…']");
        }
        List<String> argv = r.strings(cmd, "command");
        if (argv.get(0).isBlank()) {
            throw r.error(l.elements().get(0), "the program name is empty", "name the program to run first");
        }
        Map<String, String> env = new LinkedHashMap<>();
        if (m.get("env") != null) {
            MapValue e = r.map(m.get("env"), "env");
            for (Map.Entry<String, Value> x : e.entries().entrySet()) {
                if (!ENV_NAME.matcher(x.getKey()).matches()) {
                    Position p = e.keyPosition(x.getKey());
                    throw new InputException(Diagnostic.of("config", SourceSpan.at(spec.file(), Math.max(p.line(), 1),
                            p.column() + 1), "bad environment variable name " + x.getKey(),
                            "names are letters, digits and _, not starting with a digit"));
                }
                env.put(x.getKey(), r.string(x.getValue(), "env." + x.getKey()));
            }
        }
        Set<String> secretNames = new LinkedHashSet<>();
        if (m.get("secretEnv") != null) {
            Value sv = m.get("secretEnv");
            List<Value> names = sv instanceof ListValue sl ? sl.elements() : List.of(sv);
            for (Value n : names) {
                String k = r.string(n, "secretEnv");
                env.put(k, secretValue(r, n, "a secret of this command"));
                secretNames.add(k);
            }
        }
        int timeout = m.get("timeout") == null ? 30
                : whole(r, m.get("timeout"), "timeout", 1, 3600, "seconds until the process is killed, e.g. timeout: 30");
        CommandAction action = new CommandAction(name(r, spec, m), argv, env, secretNames, null, Duration.ofSeconds(timeout));
        return listener(spec, r, m, action, Duration.ofSeconds(timeout + 5L));
    }

    /** An integer option in {@code [min, max]}; an error with a hint otherwise. */
    static int whole(ConfigReader r, Value v, String what, int min, int max, String hint) {
        if (v instanceof IntValue i && i.value() >= min && i.value() <= max) {
            return (int) i.value();
        }
        throw r.error(v, what + " must be a whole number from " + min + " to " + max, hint);
    }

    private static MapValue entry(ConfigReader r, MonitorConfig.ActionSpec spec, Set<String> keys) {
        if (!(spec.entry() instanceof MapValue m)) {
            throw r.error(spec.entry(), "a " + spec.type() + " action needs its options",
                    "write it as a mapping: {type: " + spec.type() + ", …} (see " + DOCS + ")");
        }
        r.keys(m, keys);
        return m;
    }

    private static String name(ConfigReader r, MonitorConfig.ActionSpec spec, MapValue m) {
        if (m.get("name") != null) {
            return r.string(m.get("name"), "name");
        }
        return spec.alarm() + "/" + spec.type() + "@" + Math.max(1, m.position().line());
    }

    /** The value of the variable named at {@code v}; an error at {@code v} when the name is bad or the variable unset. */
    private String secretValue(ConfigReader r, Value v, String what) {
        String name = r.string(v, "secretEnv");
        if (!ENV_NAME.matcher(name).matches()) {
            throw r.error(v, "bad environment variable name '" + name + "' in secretEnv",
                    "secretEnv names a variable (letters, digits, _) that holds the secret; never put the secret itself here");
        }
        String value = environment.apply(name);
        if (value == null || value.isEmpty()) {
            throw r.error(v, "environment variable " + name + " (" + what + ") is not set",
                    "export " + name + " before running gatehouse monitor run");
        }
        return value;
    }

    private static Set<AlarmState> states(ConfigReader r, Value v) {
        if (v == null) {
            return EnumSet.allOf(AlarmState.class);
        }
        Set<AlarmState> out = EnumSet.noneOf(AlarmState.class);
        List<Value> items = v instanceof ListValue l ? l.elements() : List.of(v);
        for (Value x : items) {
            String s = r.string(x, "on");
            AlarmState st = switch (s) {
                case "ALARM" -> AlarmState.ALARM;
                case "OK" -> AlarmState.OK;
                case "INSUFFICIENT_DATA" -> AlarmState.INSUFFICIENT_DATA;
                default -> throw r.error(x, "unknown state '" + s + "' in on", "one or more of ALARM, OK, INSUFFICIENT_DATA");
            };
            out.add(st);
        }
        if (out.isEmpty()) {
            throw r.error(v, "on lists no state", "one or more of ALARM, OK, INSUFFICIENT_DATA; leave on out for all three");
        }
        return out;
    }

    private AlarmListener listener(MonitorConfig.ActionSpec spec, ConfigReader r, MapValue m, Action action, Duration bound) {
        Set<AlarmState> on = states(r, m.get("on"));
        LinkedBlockingQueue<ActionResult> done = new LinkedBlockingQueue<>();
        Dispatcher d = new Dispatcher(List.of(action), spec.limits(), audit(), clock, x -> done.add(x.result()));
        dispatchers.add(d);
        long waitMs = bound.plus(WAIT_MARGIN).toMillis();
        return t -> {
            if (!on.contains(t.newState())) {
                return;
            }
            done.clear(); // a late result of an execution that outlived its wait is not this one's
            Dispatcher.Disposition disp = d.dispatch(event(t)).get(action.name());
            if (disp != Dispatcher.Disposition.QUEUED) {
                return; // suppressed: counted, and summarised in the audit log when the run ends
            }
            ActionResult res = done.poll(waitMs, TimeUnit.MILLISECONDS);
            if (res == null) {
                throw new IllegalStateException(action.type() + " " + action.name() + " (" + action.target()
                        + ") did not finish within " + waitMs + " ms");
            }
            if (!res.ok()) {
                throw new IllegalStateException(action.type() + " " + action.name() + " (" + action.target() + ") failed after "
                        + res.attempts() + (res.attempts() == 1 ? " attempt: " : " attempts: ") + res.outcome());
            }
        };
    }

    private ActionAudit audit() {
        if (audit == null) {
            auditLog = AuditLog.open(store);
            audit = new ActionAudit(auditLog, MonitorRunner.AUDIT_ACTOR);
        }
        return audit;
    }

    /** Waits for what is still running, audits each dispatcher's suppression summary, closes the audit log. */
    @Override
    public void close() {
        try {
            for (Dispatcher d : dispatchers) {
                d.close();
            }
        } finally {
            if (auditLog != null) {
                auditLog.close();
            }
        }
    }
}
