package gatehouse.monitor.run;

import gatehouse.core.Diagnostic;
import gatehouse.core.InputException;
import gatehouse.core.SourceSpan;
import gatehouse.core.doc.ConfigReader;
import gatehouse.core.doc.FloatValue;
import gatehouse.core.doc.IntValue;
import gatehouse.core.doc.ListValue;
import gatehouse.core.doc.MapValue;
import gatehouse.core.doc.Position;
import gatehouse.core.doc.StringValue;
import gatehouse.core.doc.Value;
import gatehouse.monitor.action.Dispatcher;
import gatehouse.monitor.alarm.AlarmDefinition;
import gatehouse.monitor.alarm.ComparisonOperator;
import gatehouse.monitor.alarm.TreatMissingData;
import gatehouse.monitor.filter.FilterPattern;
import gatehouse.monitor.filter.FilterPatternException;
import gatehouse.monitor.filter.MetricFilter;
import gatehouse.monitor.metrics.Statistic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A monitor configuration: metric filters (CloudWatch Logs {@code PutMetricFilter}) and the alarms on their metrics
 * (CloudWatch {@code PutMetricAlarm}), each alarm with the actions its transitions trigger. The same format is used by
 * the built-in CIS pack and by users' own files, YAML or JSON; every key is documented in docs/alarms.md. Every error
 * names the file, line and column of the offending value.
 *
 * @param name the configuration's name, the default state scope of a run
 * @param filters the metric filters, in file order
 * @param alarms the alarms, in file order
 */
public record MonitorConfig(String name, List<FilterSpec> filters, List<AlarmSpec> alarms) {
    /** Action types every run understands. */
    public static final Set<String> BUILT_IN_ACTIONS = Set.of("log");
    private static final String DOCS = "docs/alarms.md";
    private static final Set<String> TOP_KEYS = Set.of("name", "description", "metricFilters", "alarms", "dispatch");
    private static final Set<String> DISPATCH_KEYS = Set.of("dedupeWindow", "burst", "ratePerMinute");
    private static final Set<String> FILTER_KEYS = Set.of("name", "description", "pattern", "metricName", "metricNamespace",
            "metricValue", "defaultValue", "dimensions", "controls");
    private static final Set<String> ALARM_KEYS = Set.of("name", "description", "metricName", "namespace", "dimensions",
            "statistic", "period", "evaluationPeriods", "datapointsToAlarm", "comparisonOperator", "threshold",
            "treatMissingData", "actions", "controls");

    public MonitorConfig {
        Objects.requireNonNull(name, "name");
        filters = List.copyOf(filters);
        alarms = List.copyOf(alarms);
    }

    /** The metric filters themselves, in file order. */
    public List<gatehouse.monitor.filter.MetricFilter> metricFilters() {
        return filters.stream().map(FilterSpec::filter).toList();
    }

    /** The alarm definitions themselves, in file order. */
    public List<gatehouse.monitor.alarm.AlarmDefinition> alarmDefinitions() {
        return alarms.stream().map(AlarmSpec::definition).toList();
    }

    /**
     * A metric filter with the benchmark controls it implements.
     *
     * @param filter the filter
     * @param controls control identifiers (e.g. {@code CIS-AWS-v1.2.0-3.6}); informational
     */
    public record FilterSpec(MetricFilter filter, List<String> controls) {
        public FilterSpec {
            controls = List.copyOf(controls);
        }
    }

    /**
     * An alarm with its actions.
     *
     * @param definition the alarm
     * @param actions what its transitions trigger, in order
     * @param controls control identifiers; informational
     */
    public record AlarmSpec(AlarmDefinition definition, List<ActionSpec> actions, List<String> controls) {
        public AlarmSpec {
            actions = List.copyOf(actions);
            controls = List.copyOf(controls);
        }
    }

    /**
     * One action of an alarm: its type and the whole entry (a map with {@code type}, or just the type as a string),
     * for the action's factory to read its own options from.
     *
     * @param type the action type ({@code log}, or one an {@link ActionFactory} registers)
     * @param entry the configuration entry, with positions for errors
     * @param file the configuration file, for errors
     * @param alarm the alarm the action belongs to
     * @param limits the configuration's {@code dispatch} limits (de-duplication window, rate) for dispatched actions
     */
    public record ActionSpec(String type, Value entry, String file, String alarm, Dispatcher.Limits limits) {
        public ActionSpec {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(limits, "limits");
        }

        /** An entry outside any alarm, with the default dispatch limits (for tests and plug-ins). */
        public ActionSpec(String type, Value entry, String file) {
            this(type, entry, file, "", defaultLimits());
        }
    }

    /**
     * The dispatch limits when the configuration has no {@code dispatch} section: a repeat of the same alarm entering
     * the same state within 5 minutes is one notification; each action sends a burst of 10, then one per 6 seconds.
     * One worker per action: the run waits for each execution anyway (at-least-once delivery).
     */
    public static Dispatcher.Limits defaultLimits() {
        Dispatcher.Limits d = Dispatcher.Limits.defaults();
        return new Dispatcher.Limits(d.dedupeWindow(), d.burst(), d.perSecond(), 1, d.queue(), d.drain());
    }

    /**
     * Parses a configuration.
     *
     * @param file the name shown in errors
     * @param text the YAML or JSON text
     * @param actionTypes the action types that are available (at least {@link #BUILT_IN_ACTIONS})
     * @throws InputException with {@code file:line:col} on the first error
     */
    public static MonitorConfig parse(String file, String text, Set<String> actionTypes) {
        ConfigReader r = new ConfigReader(file, DOCS);
        MapValue root = r.map(YamlValues.read(file, text), "the configuration");
        r.keys(root, TOP_KEYS);
        String name = root.get("name") == null ? "monitor" : r.string(root.get("name"), "name");
        Dispatcher.Limits limits = root.get("dispatch") == null ? defaultLimits() : limits(r, r.map(root.get("dispatch"), "dispatch"));
        List<FilterSpec> filters = new ArrayList<>();
        Set<String> filterNames = new HashSet<>();
        Set<String> metrics = new HashSet<>();
        if (root.get("metricFilters") != null) {
            for (Value v : list(r, root.get("metricFilters"), "metricFilters")) {
                FilterSpec f = filter(r, r.map(v, "a metric filter"));
                if (!filterNames.add(f.filter().name())) {
                    throw r.error(((MapValue) v).get("name"), "a second metric filter named " + f.filter().name(),
                            "give every metric filter its own name");
                }
                filters.add(f);
                metrics.add(f.filter().namespace() + "\u0000" + f.filter().metricName());
            }
        }
        List<AlarmSpec> alarms = new ArrayList<>();
        Set<String> alarmNames = new HashSet<>();
        if (root.get("alarms") != null) {
            for (Value v : list(r, root.get("alarms"), "alarms")) {
                MapValue m = r.map(v, "an alarm");
                AlarmSpec a = alarm(r, m, actionTypes, limits);
                if (!alarmNames.add(a.definition().name())) {
                    throw r.error(m.get("name"), "a second alarm named " + a.definition().name(), "give every alarm its own name");
                }
                if (!metrics.contains(a.definition().namespace() + "\u0000" + a.definition().metricName())) {
                    throw r.error(m.get("metricName"), "no metric filter of this configuration publishes "
                            + a.definition().namespace() + "/" + a.definition().metricName(),
                            "add a metric filter with this metricNamespace and metricName, or fix the alarm's namespace and metricName");
                }
                alarms.add(a);
            }
        }
        if (filters.isEmpty() && alarms.isEmpty()) {
            throw r.error(root, "the configuration has neither metricFilters nor alarms", "see " + DOCS);
        }
        return new MonitorConfig(name, filters, alarms);
    }

    private static List<Value> list(ConfigReader r, Value v, String what) {
        if (v instanceof ListValue l) {
            return l.elements();
        }
        throw r.error(v, what + " must be a list, not a " + v.kindName(), "see " + DOCS);
    }

    private static Value required(ConfigReader r, MapValue m, String key, String what) {
        Value v = m.get(key);
        if (v == null) {
            throw r.error(m, what + " has no " + key, "add " + key + " (see " + DOCS + ")");
        }
        return v;
    }

    private static FilterSpec filter(ConfigReader r, MapValue m) {
        r.keys(m, FILTER_KEYS);
        String name = r.string(required(r, m, "name", "a metric filter"), "name");
        Value patternValue = required(r, m, "pattern", "metric filter " + name);
        String patternText = r.string(patternValue, "pattern");
        FilterPattern pattern;
        try {
            pattern = FilterPattern.parse(patternText);
        } catch (FilterPatternException e) {
            Position p = patternValue.position();
            boolean quoted = patternValue instanceof StringValue && p.line() > 0; // columns are counted inside the text
            throw new InputException(Diagnostic.of("filter_pattern_error", SourceSpan.at(r.file(), Math.max(1, p.line()),
                    p.column() + (quoted ? 1 : 0) + e.column()), "in the pattern of metric filter " + name + ": " + e.reason(),
                    "CloudWatch Logs filter pattern syntax: docs/filter-patterns.md"));
        }
        String metricName = r.string(required(r, m, "metricName", "metric filter " + name), "metricName");
        String namespace = r.string(required(r, m, "metricNamespace", "metric filter " + name), "metricNamespace");
        String metricValue = m.get("metricValue") == null ? "1" : scalarText(r, m.get("metricValue"), "metricValue");
        Double defaultValue = m.get("defaultValue") == null ? null : number(r, m.get("defaultValue"), "defaultValue");
        Map<String, String> dims = stringMap(r, m.get("dimensions"), "dimensions");
        try {
            MetricFilter f = new MetricFilter(name, pattern, metricName, namespace, metricValue, defaultValue, dims);
            return new FilterSpec(f, controls(r, m));
        } catch (InputException e) {
            Diagnostic d = e.first();
            String field = d.span() == null ? "name" : d.span().file();
            Value at = m.get(field.startsWith("dimension") ? "dimensions" : field);
            throw r.error(at == null ? m : at, d.message(), d.hint());
        }
    }

    private static Dispatcher.Limits limits(ConfigReader r, MapValue m) {
        r.keys(m, DISPATCH_KEYS);
        Dispatcher.Limits d = defaultLimits();
        Duration window = m.get("dedupeWindow") == null ? d.dedupeWindow()
                : Duration.ofSeconds(AlarmActions.whole(r, m.get("dedupeWindow"), "dispatch.dedupeWindow", 0, 86_400,
                        "seconds; 0 turns de-duplication off, e.g. dedupeWindow: 300"));
        int burst = m.get("burst") == null ? d.burst() : AlarmActions.whole(r, m.get("burst"), "dispatch.burst", 1, 10_000,
                "notifications an action may send at once, e.g. burst: 10");
        double perSecond = d.perSecond();
        if (m.get("ratePerMinute") != null) {
            double perMinute = number(r, m.get("ratePerMinute"), "dispatch.ratePerMinute");
            if (!(perMinute > 0) || perMinute > 60_000) {
                throw r.error(m.get("ratePerMinute"), "dispatch.ratePerMinute must be more than 0 and at most 60000",
                        "e.g. 10 (one notification every 6 seconds per action after the burst)");
            }
            perSecond = perMinute / 60;
        }
        return new Dispatcher.Limits(window, burst, perSecond, d.workers(), d.queue(), d.drain());
    }

    private static AlarmSpec alarm(ConfigReader r, MapValue m, Set<String> actionTypes, Dispatcher.Limits limits) {
        r.keys(m, ALARM_KEYS);
        String name = r.string(required(r, m, "name", "an alarm"), "name");
        String description = m.get("description") == null ? "" : r.string(m.get("description"), "description");
        String metricName = r.string(required(r, m, "metricName", "alarm " + name), "metricName");
        String namespace = r.string(required(r, m, "namespace", "alarm " + name), "namespace");
        Map<String, String> dims = stringMap(r, m.get("dimensions"), "dimensions");
        Statistic statistic = Statistic.SUM;
        if (m.get("statistic") != null) {
            try {
                statistic = Statistic.parse(r.string(m.get("statistic"), "statistic"));
            } catch (IllegalArgumentException e) {
                throw r.error(m.get("statistic"), e.getMessage(), "e.g. Sum, Average, Maximum, SampleCount, p99");
            }
        }
        int period = m.get("period") == null ? 300 : (int) r.integer(m.get("period"), "period", 1, 86_400);
        int evaluationPeriods = m.get("evaluationPeriods") == null ? 1
                : (int) r.integer(m.get("evaluationPeriods"), "evaluationPeriods", 1, 1440);
        int datapointsToAlarm = m.get("datapointsToAlarm") == null ? evaluationPeriods
                : (int) r.integer(m.get("datapointsToAlarm"), "datapointsToAlarm", 1, 1440);
        Value opValue = required(r, m, "comparisonOperator", "alarm " + name);
        ComparisonOperator op = ComparisonOperator.byName(r.string(opValue, "comparisonOperator"));
        if (op == null) {
            throw r.error(opValue, "unknown comparisonOperator " + r.string(opValue, "comparisonOperator"),
                    "one of GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold");
        }
        double threshold = number(r, required(r, m, "threshold", "alarm " + name), "threshold");
        TreatMissingData treat = TreatMissingData.missing;
        if (m.get("treatMissingData") != null) {
            treat = TreatMissingData.byName(r.string(m.get("treatMissingData"), "treatMissingData"));
            if (treat == null) {
                throw r.error(m.get("treatMissingData"), "unknown treatMissingData "
                        + r.string(m.get("treatMissingData"), "treatMissingData"), "one of missing, ignore, breaching, notBreaching");
            }
        }
        AlarmDefinition def;
        try {
            def = new AlarmDefinition(name, description, namespace, metricName, dims, statistic, period, evaluationPeriods,
                    datapointsToAlarm, op, threshold, treat);
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage();
            int colon = msg.indexOf(": ");
            String field = colon > 0 ? msg.substring(0, colon) : "name";
            Value at = m.get(field);
            throw r.error(at == null ? m : at, colon > 0 ? msg.substring(colon + 2) : msg, "see " + DOCS + " (alarms)");
        }
        List<ActionSpec> actions = new ArrayList<>();
        if (m.get("actions") != null) {
            for (Value a : list(r, m.get("actions"), "actions")) {
                String type;
                if (a instanceof MapValue am) {
                    type = r.string(required(r, am, "type", "an action"), "type");
                } else {
                    type = r.string(a, "an action");
                }
                if (!actionTypes.contains(type)) {
                    throw r.error(a, "unknown action type " + type, "available here: " + String.join(", ", new java.util.TreeSet<>(actionTypes)));
                }
                actions.add(new ActionSpec(type, a, r.file(), name, limits));
            }
        }
        return new AlarmSpec(def, actions, controls(r, m));
    }

    private static List<String> controls(ConfigReader r, MapValue m) {
        return m.get("controls") == null ? List.of() : r.strings(m.get("controls"), "controls");
    }

    private static String scalarText(ConfigReader r, Value v, String what) {
        return switch (v) {
            case FloatValue f -> Double.toString(f.value());
            default -> r.string(v, what);
        };
    }

    private static double number(ConfigReader r, Value v, String what) {
        return switch (v) {
            case IntValue i -> i.value();
            case FloatValue f -> f.value();
            default -> throw r.error(v, what + " must be a number, not a " + v.kindName(), "e.g. 3 or 0.5, without quotes");
        };
    }

    private static Map<String, String> stringMap(ConfigReader r, Value v, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        MapValue m = r.map(v, what);
        for (Map.Entry<String, Value> e : m.entries().entrySet()) {
            out.put(e.getKey(), r.string(e.getValue(), what + "." + e.getKey()));
        }
        return out;
    }
}
